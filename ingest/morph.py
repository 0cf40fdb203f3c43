"""One shared pymorphy3 analyser and a few helpers over it (loaded lazily, once per process)."""

from __future__ import annotations

from functools import lru_cache

import pymorphy3


@lru_cache(maxsize=1)
def analyzer() -> pymorphy3.MorphAnalyzer:
    """The process-wide morphological analyser (≈0.2 s to load)."""
    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=4096)
def parses(word: str) -> tuple:
    """pymorphy3 parses of ``word`` (cached)."""
    return tuple(analyzer().parse(word))


def word_forms(word: str, grammeme: str | None = None) -> set[str]:
    """Every lower-case form of the lexeme of ``word`` (restricted to parses with ``grammeme``)."""
    forms = {word.lower().replace("ё", "е")}
    for parse in parses(word):
        if grammeme is None or grammeme in parse.tag:
            forms.update(f.word.replace("ё", "е") for f in parse.lexeme)
            break
    return forms
