"""Workforce intelligence: movements recorded, the Skills for Care measures, demand by the
ratio method, and the supply forecast on the career graph (a Markov manpower model)."""
