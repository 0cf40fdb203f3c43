"""Stored research queries: one .rq file per query with a ``#+`` metadata header."""
