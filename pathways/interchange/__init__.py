"""The interchange format for exchanging career graphs with other systems and partners.

JSON ``{"format": "pathways-graph", "version": 1, "nodes": [...], "edges": [...]}``, or a
folder with ``nodes.csv`` and ``edges.csv`` holding the same fields (lists separated
by ``;``). See ``fields`` for every field, and the README for the documentation.
"""
