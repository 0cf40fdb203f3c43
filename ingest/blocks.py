"""The block model every reader produces: paragraphs and tables with offsets into one text.

A reader turns a file into a :class:`RawDocument`: one normalised text (``\\n`` line ends, NFC)
and, in reading order, the blocks found in it. Every block and every table cell carries the
code-point offsets ``start``/``end`` of its text in that normalised text, so that
``doc.text[cell.start:cell.end] == cell.text`` always holds. Later stages cite the source with
these offsets (``oa:TextPositionSelector``) and with :meth:`RawDocument.line_of`.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Union


@dataclass(frozen=True)
class Span:
    """A half-open range ``[start, end)`` of code points in the normalised text."""

    start: int
    end: int

    def cover(self, other: "Span") -> "Span":
        """The smallest span holding both spans."""
        return Span(min(self.start, other.start), max(self.end, other.end))


@dataclass(frozen=True)
class Paragraph:
    """A run of text outside tables (for plain text: one non-blank line, trimmed)."""

    text: str
    start: int
    end: int

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)


@dataclass(frozen=True)
class Cell:
    """One table cell; its text may span several lines (``\\n`` inside)."""

    text: str
    start: int
    end: int

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)

    @property
    def empty(self) -> bool:
        return not self.text.strip()


@dataclass(frozen=True)
class Row:
    """A table row: its cells in column order."""

    cells: tuple[Cell, ...]

    @property
    def span(self) -> Span:
        """From the first cell to the last non-empty cell (or the first cell when all are empty)."""
        filled = [c for c in self.cells if not c.empty] or list(self.cells[:1])
        return Span(filled[0].start, filled[-1].end)

    def texts(self) -> list[str]:
        return [c.text for c in self.cells]


@dataclass(frozen=True)
class Table:
    """A table: rows in order (the first row is usually the header)."""

    rows: tuple[Row, ...]

    @property
    def span(self) -> Span:
        return self.rows[0].span.cover(self.rows[-1].span)

    @property
    def start(self) -> int:
        return self.span.start

    @property
    def end(self) -> int:
        return self.span.end

    @property
    def width(self) -> int:
        return max(len(r.cells) for r in self.rows)


Block = Union[Paragraph, Table]


@dataclass(frozen=True)
class RawDocument:
    """What a reader returns: the normalised text, the blocks in reading order, the media type."""

    name: str
    text: str
    blocks: tuple[Block, ...]
    media_type: str
    notes: tuple[str, ...] = field(default=())

    @cached_property
    def _line_starts(self) -> list[int]:
        return [0] + [m.end() for m in re.finditer("\n", self.text)]

    def line_of(self, offset: int) -> int:
        """The 1-based line number of a code-point offset."""
        return bisect.bisect_right(self._line_starts, offset)

    def blank_line_before(self, start: int, previous_end: int) -> bool:
        """True when an empty line separates ``previous_end`` from ``start``."""
        gap = self.text[previous_end:start]
        return any(not line.strip() for line in gap.split("\n")[1:-1])


class TextBuilder:
    """Renders paragraphs and tables into one normalised text, recording every offset.

    For readers of structured formats (.docx, .html, .pdf): each paragraph becomes one line (a
    line break inside stays a ``\\n``), an empty paragraph an empty line, each table row one line
    with its cells separated by tabs (a tab inside a cell becomes a space). The blocks returned
    cut their text from the rendered text exactly like the plain-text reader's.
    """

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._length = 0
        self._blocks: list[Block] = []

    def _write(self, text: str) -> int:
        start = self._length
        self._parts.append(text)
        self._length += len(text)
        return start

    def _line(self, text: str) -> int:
        start = self._write(text)
        self._write("\n")
        return start

    def paragraph(self, text: str) -> None:
        """Add a paragraph (an empty one adds an empty line and no block)."""
        clean = _normal(text).strip()
        start = self._line(clean)
        if clean:
            self._blocks.append(Paragraph(clean, start, start + len(clean)))

    def table(self, rows: list[list[str]]) -> None:
        """Add a table given as rows of cell texts."""
        built = []
        for cells in rows:
            texts = [_normal(c).replace("\t", " ").strip() for c in cells]
            start = self._line("\t".join(texts))
            built.append(Row(tuple(_cells_at(texts, start))))
        if built:
            self._blocks.append(Table(tuple(built)))

    def document(self, name: str, media_type: str, notes: tuple[str, ...] = ()) -> RawDocument:
        return RawDocument(name=name, text="".join(self._parts), blocks=tuple(self._blocks), media_type=media_type, notes=notes)


def _normal(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def _cells_at(texts: list[str], start: int) -> list[Cell]:
    cells, at = [], start
    for text in texts:
        cells.append(Cell(text, at, at + len(text)))
        at += len(text) + 1
    return cells


# -- typography: one way of writing quotes and the number sign -------------------------------------

_OPENING_CONTEXT = set(" \t\n([{«—–-/")
_NUMBER_SIGN = re.compile(r"(?<![^\s(])N(?=\s?\d)")


def _is_opening(text: str, at: int, open_quotes: int) -> bool:
    """A straight quote opens after a space or bracket and before a word; between two spaces it
    closes a pair left open ("от « » 2023" written as "от " " 2023"), otherwise it opens."""
    before = text[at - 1] if at else " "
    after = text[at + 1] if at + 1 < len(text) else " "
    if before not in _OPENING_CONTEXT:
        return False
    return not after.isspace() or open_quotes == 0


def typographic(text: str) -> str:
    """The text with ASCII and English quotes as «», and "N 5" as "№ 5" — every replacement one
    character for one, so offsets into the text stay valid."""
    chars = list(_NUMBER_SIGN.sub("№", text))
    open_quotes = 0
    for at, char in enumerate(chars):
        if char in "«„":
            chars[at], open_quotes = "«", open_quotes + 1
        elif char in "»”":
            chars[at], open_quotes = "»", max(0, open_quotes - 1)
        elif char in "\"“":
            opening = _is_opening(text, at, open_quotes)
            chars[at] = "«" if opening else "»"
            open_quotes = open_quotes + 1 if opening else max(0, open_quotes - 1)
    return "".join(chars)


def _retext(block: Block, text: str) -> Block:
    if isinstance(block, Paragraph):
        return Paragraph(text[block.start:block.end], block.start, block.end)
    rows = tuple(Row(tuple(Cell(text[c.start:c.end], c.start, c.end) for c in row.cells)) for row in block.rows)
    return Table(rows)


def with_typography(doc: RawDocument) -> RawDocument:
    """The document with :func:`typographic` applied to its text and every block."""
    text = typographic(doc.text)
    if text == doc.text:
        return doc
    return RawDocument(doc.name, text, tuple(_retext(b, text) for b in doc.blocks), doc.media_type, doc.notes)
