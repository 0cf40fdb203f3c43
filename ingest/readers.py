"""Readers: bytes → :class:`~.blocks.RawDocument`, the format chosen by content, not by name.

``read(data, name)`` asks each registered reader, in order, whether the bytes look like its
format (magic bytes, a decodable text…) and hands them to the first that says yes. The formats
are registered at the end of this module (:func:`_register_formats`: PDF, ZIP → .docx/.odt,
Word 97 .doc, RTF, HTML, then plain text in UTF-8/16/32, cp1251, koi8-r, cp866 — see
``docs/formats.md``); further ones plug in with :func:`register` and must produce the same block
model: paragraphs and tables whose offsets index one normalised text (``\\n`` line ends, NFC).

The plain-text reader finds the two table layouts seen in municipal acts exported as text:

* tab rows: one row per line, cells separated by tabs (``1.1\\tРазработка…\\tЯнварь…\\t…``);
  empty lines between rows do not end the table;
* tab cells: one cell per line, each cell line starting with a tab; a following line without
  the leading tab continues the cell; an empty line ends the row. A row of empty cells only
  (a layout artefact) is appended to the short row before it.

A run of such lines is a table only if it has two rows or more and a row of two cells or more;
otherwise its lines are ordinary paragraphs.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Callable

from ..errors import IngestError
from . import readers_text
from .blocks import Block, Cell, Paragraph, RawDocument, Row, Table, with_typography

Sniffer = Callable[[bytes], bool]
Reader = Callable[[bytes, str], RawDocument]


@dataclass(frozen=True)
class ReaderEntry:
    """A registered reader: a content test and the function that reads."""

    name: str
    sniff: Sniffer
    read: Reader


_READERS: list[ReaderEntry] = []


def register(name: str, sniff: Sniffer, reader: Reader, *, first: bool = True) -> None:
    """Add a reader; ``first`` puts it before the existing ones (binary formats before text)."""
    entry = ReaderEntry(name, sniff, reader)
    _READERS[:] = [e for e in _READERS if e.name != name]
    _READERS.insert(0 if first else len(_READERS), entry)


def read(data: bytes, name: str) -> RawDocument:
    """Read a file's bytes into the block model.

    Raises :class:`IngestError` naming the file when it is empty or no reader accepts it.
    """
    if not data.strip():
        raise IngestError(f"{name}: empty file", file=name)
    for entry in _READERS:
        if entry.sniff(data):
            return with_typography(entry.read(data, name))
    raise IngestError(f"{name}: unsupported file format: binary data, not text, and not a document that can be read "
                      "(.docx, .doc, .rtf, .odt, .pdf, .html, plain text)", file=name)


# -- text decoding and normalisation -----------------------------------------------------------


def normalise_text(text: str) -> str:
    """``\\n`` line ends, no byte-order mark, NFC."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    return unicodedata.normalize("NFC", text)


def looks_like_text(data: bytes) -> bool:
    """True when the bytes are text in an encoding :mod:`.readers_text` can tell (UTF-8, cp1251…)."""
    return readers_text.looks_like_text(data)


def decode_text(data: bytes, name: str) -> str:
    """Bytes → str (UTF-8, UTF-8/16/32 with a BOM, cp1251, koi8-r…); else an :class:`IngestError`."""
    return readers_text.decode(data, name)[0]


def read_text(data: bytes, name: str) -> RawDocument:
    """The plain-text reader: the normalised text is the decoded text itself."""
    decoded, encoding = readers_text.decode(data, name)
    text = normalise_text(decoded)
    if not text.strip():
        raise IngestError(f"{name}: empty file (no text)", file=name)
    notes = () if encoding == "utf-8" else (f"text read as {encoding}",)
    return RawDocument(name=name, text=text, blocks=text_blocks(text), media_type="text/plain", notes=notes)


# -- plain-text layout -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Line:
    start: int
    text: str

    @property
    def blank(self) -> bool:
        """Whitespace only, and no tab (a lone tab is an empty cell)."""
        return not self.text.strip() and "\t" not in self.text

    @property
    def tab_row(self) -> bool:
        """Cells separated by tabs on one line (a leading tab alone does not count)."""
        return "\t" in self.text.strip(" ")[1:]

    @property
    def tab_cell(self) -> bool:
        """A cell line: optional spaces, a tab, the cell text."""
        return bool(re.match(r" *\t", self.text)) and not self.tab_row


def _lines(text: str) -> list[_Line]:
    lines, start = [], 0
    for part in text.split("\n"):
        lines.append(_Line(start, part))
        start += len(part) + 1
    return lines


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """Offsets of ``text[start:end]`` without surrounding whitespace (empty: ``start, start``)."""
    piece = text[start:end]
    stripped = piece.strip()
    if not stripped:
        return start, start
    left = start + len(piece) - len(piece.lstrip())
    return left, left + len(stripped)


def _cell(text: str, start: int, end: int) -> Cell:
    left, right = _trimmed(text, start, end)
    return Cell(text[left:right], left, right)


def _paragraph(text: str, start: int, end: int) -> Paragraph | None:
    left, right = _trimmed(text, start, end)
    return Paragraph(text[left:right], left, right) if right > left else None


def text_blocks(text: str) -> tuple[Block, ...]:
    """Paragraphs (one per non-blank line) and tables of a plain text, in order."""
    lines, blocks, i = _lines(text), [], 0
    while i < len(lines):
        line = lines[i]
        if line.tab_row or line.tab_cell:
            rows, i = (_tab_rows if line.tab_row else _tab_cells)(text, lines, i)
            blocks.extend(_table_or_paragraphs(rows))
            continue
        paragraph = _paragraph(text, line.start, line.start + len(line.text))
        blocks.extend([paragraph] if paragraph else [])
        i += 1
    return tuple(blocks)


def _table_or_paragraphs(rows: list[Row]) -> list[Block]:
    """A table when the rows look like one; else each non-empty cell as a paragraph."""
    if len(rows) >= 2 and max(len(r.cells) for r in rows) >= 2:
        return [Table(tuple(rows))]
    return [Paragraph(c.text, c.start, c.end) for r in rows for c in r.cells if not c.empty]


def _tab_rows(text: str, lines: list[_Line], i: int) -> tuple[list[Row], int]:
    """Rows of the one-row-per-line layout starting at line ``i``; empty lines are skipped."""
    rows: list[Row] = []
    while i < len(lines):
        if lines[i].tab_row:
            rows.append(_split_row(text, lines[i]))
        elif not (lines[i].blank and _next_filled_is_tab_row(lines, i)):
            break
        i += 1
    return rows, i


def _next_filled_is_tab_row(lines: list[_Line], i: int) -> bool:
    nxt = next((ln for ln in lines[i + 1:] if not ln.blank), None)
    return nxt is not None and nxt.tab_row


def _split_row(text: str, line: _Line) -> Row:
    cells, start = [], line.start
    for part in line.text.split("\t"):
        cells.append(_cell(text, start, start + len(part)))
        start += len(part) + 1
    return Row(tuple(cells))


def _tab_cells(text: str, lines: list[_Line], i: int) -> tuple[list[Row], int]:
    """Rows of the one-cell-per-line layout starting at line ``i``."""
    rows: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    previous_blank = True
    while i < len(lines):
        line = lines[i]
        if line.blank and not _padding_inside_row(line, rows, current):
            rows, current = _close_row(rows, current)
        elif line.tab_cell:
            current.append((line.start + line.text.index("\t") + 1, line.start + len(line.text)))
        elif line.tab_row or previous_blank:
            break
        else:
            current[-1] = (current[-1][0], line.start + len(line.text))
        previous_blank = line.blank
        i += 1
    rows, _ = _close_row(rows, current)
    return _merge_empty_rows([Row(tuple(_cell(text, s, e) for s, e in r)) for r in rows]), i


def _padding_inside_row(line: _Line, rows: list, current: list) -> bool:
    """A line of spaces inside a row still shorter than the header is not a row break."""
    return bool(line.text) and bool(rows) and 0 < len(current) < len(rows[0])


def _close_row(rows: list, current: list) -> tuple[list, list]:
    if current:
        rows.append(current)  # in place: a copy per row made long tables quadratic
    return rows, []


def _merge_empty_rows(rows: list[Row]) -> list[Row]:
    """Append a row of empty cells only to the row before it when that row is short."""
    width = max((len(r.cells) for r in rows), default=0)
    merged: list[Row] = []
    for row in rows:
        if merged and all(c.empty for c in row.cells) and len(merged[-1].cells) + len(row.cells) <= width:
            merged[-1] = Row(merged[-1].cells + row.cells)
        else:
            merged.append(row)
    return merged


register("text", looks_like_text, read_text, first=False)


def _register_formats() -> None:
    """Binary and markup formats, tried before plain text; each is recognised by its content."""
    from . import readers_docx, readers_html, readers_office, readers_pdf

    register("html", readers_html.looks_like_html, readers_html.read_html)
    register("rtf", readers_office.is_rtf, readers_office.read_rtf)
    register("doc", readers_office.is_ole2, readers_office.read_doc)
    register("zip", readers_docx.is_zip, readers_docx.read_zip)
    register("pdf", readers_pdf.is_pdf, readers_pdf.read_pdf)


_register_formats()
