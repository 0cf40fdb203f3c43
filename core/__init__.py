"""shnor-kg: a knowledge graph of Russian municipal acts on schools with low educational results.

The installed distribution has one import root, ``shnor_kg``; its sub-packages are the
repository's top-level folders (``ontology``, ``ingest``, ``shapes``, ``queries``, ``server``).
This root package holds what every part shares: errors and configuration.
"""

__version__ = "0.1.0"
