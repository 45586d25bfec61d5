"""Apprenticeship cohorts: the funding rules, status moves and progress checks."""
