"""Transliteration of Russian text to ASCII slugs (``a-z0-9-``), used by every identity key.

The table is a simple, stable, lossy romanisation chosen once for IRIs and never changed:
it follows the common "passport-like" spelling (ж → zh, х → kh, ч → ch, ш → sh, щ → shch,
ю → yu, я → ya) except ц → c, so that "ЦО № 48" gives ``co-48`` as in the documented IRIs
(``org/ru-tul-tula/mbou-co-48``). ё is written е first, so "Семёнова" and "Семенова" meet.
Changing this table changes every IRI: don't.
"""

from __future__ import annotations

import re
import unicodedata

_TABLE = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "c",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya",
    # Latin look-alikes and letters of neighbouring alphabets that turn up in Russian text
    "і": "i", "ї": "yi", "є": "e", "ў": "u",
}

_NON_SLUG = re.compile(r"[^a-z0-9]+")


def transliterate(text: str) -> str:
    """Lower-case ``text`` and romanise its Cyrillic letters; other characters are kept."""
    out = []
    for ch in text.lower():
        out.append(_TABLE.get(ch, ch))
    return "".join(out)


def slug(text: str) -> str:
    """A URL-safe ASCII slug of ``text``: romanised, lower case, runs of anything else → ``-``.

    >>> slug("МБОУ ЦО № 48")
    'mbou-co-48'
    >>> slug("Пряжина Е.Н.")
    'pryazhina-e-n'
    """
    latin = transliterate(unicodedata.normalize("NFC", text).replace("№", " "))
    # strip accents of Latin letters (é → e) so that the result is pure ASCII
    latin = unicodedata.normalize("NFKD", latin).encode("ascii", "ignore").decode("ascii").lower()
    return _NON_SLUG.sub("-", latin).strip("-")
