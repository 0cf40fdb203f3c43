"""Plain text in the encodings municipal acts come in: bytes → str, or a clear refusal.

Order of decisions (first that applies):

1. a byte-order mark: UTF-8, UTF-16 LE/BE, UTF-32 LE/BE — decoded strictly;
2. NUL bytes or other control characters (beyond tab, line ends, form feed) in more than a
   trace: binary data, not text;
3. valid UTF-8;
4. mostly valid UTF-8 with a few broken sequences: refused (decoding it as an 8-bit code page
   would turn every Cyrillic letter into two wrong ones);
5. an 8-bit code page: ``charset-normalizer`` says whether the bytes are text at all and which
   family; among the Cyrillic code pages (cp1251, koi8-r, cp866) the choice is made on the
   frequencies of Russian letters, which separate them sharply (koi8-r read as cp1251 turns
   "о" into "П", "е" into "Х"…), so short or upper-case texts do not fool it.

Line ends (CRLF, CR) become ``\\n`` in :func:`~.readers.normalise_text`.
"""

from __future__ import annotations

import codecs
import math
import re
from collections import Counter

from ..errors import IngestError

#: (byte-order mark, codec) — the UTF-32 marks first: FF FE 00 00 also starts with FF FE.
BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

CYRILLIC_CODE_PAGES = ("cp1251", "koi8_r", "cp866")
SAMPLE = 1 << 20  # bytes looked at to decide (the whole file is then decoded)

#: Relative frequencies (per cent) of the letters in Russian prose.
RUSSIAN_LETTERS = {
    "о": 10.97, "е": 8.45, "а": 8.01, "и": 7.35, "н": 6.70, "т": 6.26, "с": 5.47, "р": 4.73,
    "в": 4.54, "л": 4.40, "к": 3.49, "м": 3.21, "д": 2.98, "п": 2.81, "у": 2.62, "я": 2.01,
    "ы": 1.90, "ь": 1.74, "г": 1.70, "з": 1.65, "б": 1.59, "ч": 1.44, "й": 1.21, "х": 0.97,
    "ж": 0.94, "ш": 0.73, "ю": 0.64, "ц": 0.48, "щ": 0.36, "э": 0.32, "ф": 0.26, "ъ": 0.04,
    "ё": 0.04,
}
_LOG_FREQ = {k: math.log(v / 100) for k, v in RUSSIAN_LETTERS.items()}
_RARE = math.log(0.0001)
_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")


def bom_codec(data: bytes) -> str | None:
    """The codec announced by a byte-order mark, if any."""
    return next((codec for bom, codec in BOMS if data.startswith(bom)), None)


def strip_bom(data: bytes) -> tuple[bytes, str | None]:
    """The bytes after a byte-order mark, and the mark's codec."""
    for bom, codec in BOMS:
        if data.startswith(bom):
            return data[len(bom):], codec
    return data, None


def looks_binary(data: bytes) -> bool:
    """Control characters other than tab, line ends, form feed and escape in more than a trace."""
    sample = data[:SAMPLE]
    if b"\x00" in sample:
        return True
    return len(_CONTROL.findall(sample)) > max(2, len(sample) // 1000)


def looks_like_text(data: bytes) -> bool:
    """True when :func:`decode` would find an encoding (cheap: looks at a sample only)."""
    if bom_codec(data):
        return True
    if looks_binary(data):
        return False
    return _sample_encoding(data[:SAMPLE]) is not None


def decode(data: bytes, name: str) -> tuple[str, str]:
    """The text of ``data`` and the encoding it was read in; :class:`IngestError` if it is not text."""
    body, codec = strip_bom(data)
    if codec:
        try:
            return body.decode(codec), codec.replace("-le", "").replace("-be", "")
        except UnicodeDecodeError as exc:
            raise IngestError(f"{name}: starts with a {codec.upper()} byte-order mark but is not valid {codec.upper()} "
                              f"(byte {exc.start + len(data) - len(body)})", file=name) from None
    if looks_binary(data):
        raise IngestError(f"{name}: binary data, not text, and not a document format that can be read "
                          "(.docx, .doc, .rtf, .odt, .pdf, .html, plain text)", file=name)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        if _mostly_utf8(data[:SAMPLE]):
            raise IngestError(f"{name}: not valid UTF-8 at byte {exc.start} (the rest of the file is UTF-8): "
                              "the file is damaged", file=name) from None
    encoding = _sample_encoding(data[:SAMPLE])
    if encoding is None:
        raise IngestError(f"{name}: cannot tell the text encoding (not UTF-8, cp1251, koi8-r, UTF-16 with a BOM)", file=name)
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError as exc:
        raise IngestError(f"{name}: looks like {encoding} text but byte {exc.start} is not valid {encoding}", file=name) from None


def _mostly_utf8(sample: bytes) -> bool:
    """Invalid sequences are rare among the non-ASCII characters: a damaged UTF-8 file."""
    text = sample.decode("utf-8", "replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ord(ch) > 127 and ch != "\ufffd")
    return good >= 20 * bad


def _sample_encoding(sample: bytes) -> str | None:
    """UTF-8, or an 8-bit encoding (a Cyrillic one chosen by letter frequencies), or None."""
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 3 and exc.reason == "unexpected end of data":
            return "utf-8"  # the sample cut a character in two
    if _mostly_utf8(sample):
        return "utf-8"
    import charset_normalizer

    best = charset_normalizer.from_bytes(sample[:65536]).best()
    if best is None:
        return None
    if best.encoding in CYRILLIC_CODE_PAGES or _cyrillic_share(str(best)) > 0.2:
        return cyrillic_code_page(sample)
    return best.encoding


def _cyrillic_share(text: str) -> float:
    letters = [ch for ch in text if ch.isalpha()]
    return sum("\u0400" <= ch <= "\u04ff" for ch in letters) / len(letters) if letters else 0.0


def cyrillic_code_page(sample: bytes) -> str:
    """The Cyrillic code page under which ``sample`` reads most like Russian."""
    scores = {}
    for codec in CYRILLIC_CODE_PAGES:
        text = sample.decode(codec, "replace")
        scores[codec] = russian_score(text)
    return max(scores, key=scores.get)


def russian_score(text: str) -> float:
    """How Russian a decoding reads: the mean log-frequency of its Cyrillic letters (case
    folded), less a penalty for words whose case changes from lower to upper inside them
    ("пБ", "тЕЛ…": what koi8-r read as cp1251 looks like; capitals alone are fine: "ПРИКАЗ").

    Text that is not Cyrillic at all scores the rare-letter floor.
    """
    counts = Counter(ch for ch in text if "\u0400" <= ch <= "\u04ff")
    total = sum(counts.values())
    if not total:
        return _RARE
    loglik = sum(n * _LOG_FREQ.get(ch.lower(), _RARE) for ch, n in counts.items()) / total
    words = _CYRILLIC_WORD.findall(text)
    mixed = sum(1 for w in words if _LOWER_THEN_UPPER.search(w)) / len(words) if words else 0.0
    return loglik - 3.0 * mixed


_CYRILLIC_WORD = re.compile(r"[\u0400-\u04ff]{2,}")
_LOWER_THEN_UPPER = re.compile(r"[а-яё][А-ЯЁ]")
