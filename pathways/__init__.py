"""Career pathways for English adult social care: the domain, usable without Flask.

The package holds the models (roles, qualifications and the transitions between them),
the read-only networkx snapshot built from them, the route engine, validation, the
interchange format and the ``pathways`` command line. It never imports Flask.
"""

__version__ = "0.1.0"
