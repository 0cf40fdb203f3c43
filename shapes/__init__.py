"""SHACL shapes of the contract classes (Turtle files in this package)."""
