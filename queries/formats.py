"""Result tables as CSV, TSV, JSON rows and a text table (for the API, the pages and the CLI).

CSV follows RFC 4180 (``\\r\\n`` line ends, fields with the delimiter, a quote or a line break are
quoted, quotes doubled) and, for downloads, starts with a UTF-8 byte-order mark so that Excel in a
Russian locale opens Cyrillic text correctly; ``;`` is the delimiter Excel expects there. TSV has
no quoting, so a tab, a line break or a backslash inside a value is written as ``\\t``, ``\\n``,
``\\r``, ``\\\\`` (the convention of PostgreSQL's and MySQL's text formats).
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

XSD = "http://www.w3.org/2001/XMLSchema#"
INTEGER_TYPES = {XSD + t for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
                                   "nonPositiveInteger", "negativeInteger", "unsignedInt", "unsignedLong")}
FLOAT_TYPES = {XSD + t for t in ("decimal", "double", "float")}
DELIMITERS = {",": ",", ";": ";", "comma": ",", "semicolon": ";"}
BOM = "\ufeff"
TSV_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def cell(term) -> str:
    """A term as plain text: the IRI, the lexical form, or '' when unbound."""
    return "" if term is None else term.value


def json_value(term):
    """A term as a JSON value: numbers and booleans typed, everything else its text."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        try:
            if datatype in INTEGER_TYPES:
                return int(term.value)
            if datatype in FLOAT_TYPES:
                return float(Decimal(term.value))
        except (ValueError, InvalidOperation):
            return term.value
        if datatype == XSD + "boolean":
            return term.value in ("true", "1")
    return term.value


def json_rows(result) -> list[dict]:
    """SELECT rows as a list of {variable: value} (unbound variables are null)."""
    return [{v: json_value(t) for v, t in zip(result.variables, row)} for row in result.rows]


def to_csv(result, *, delimiter: str = ",", bom: bool = True) -> str:
    """The rows as CSV text (header line first)."""
    out = io.StringIO()
    if bom:
        out.write(BOM)
    writer = csv.writer(out, delimiter=DELIMITERS.get(delimiter, delimiter), lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(result.variables)
    writer.writerows([cell(t) for t in row] for row in result.rows)
    return out.getvalue()


def to_tsv(result) -> str:
    """The rows as tab-separated text with backslash escapes (header line first)."""
    lines = ["\t".join(result.variables)]
    lines.extend("\t".join(cell(t).translate(TSV_ESCAPES) for t in row) for row in result.rows)
    return "\n".join(lines) + "\n"


def to_text_table(result, width: int = 60) -> str:
    """The rows as an aligned text table for a terminal (long values cut at ``width``)."""
    rows = [list(result.variables)] + [[cell(t).replace("\n", " ") for t in row] for row in result.rows]
    widths = [min(width, max(len(r[i]) for r in rows)) for i in range(len(result.variables))]
    return "\n".join("  ".join(c[:width].ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows)
