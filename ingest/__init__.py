"""Ingest: a pure pipeline from a file to an RDF graph of the act (readers → structure → normalize → to_rdf)."""
