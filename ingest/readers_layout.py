"""Building the block model from a document that already knows its paragraphs and tables.

The .docx, .html and .pdf readers find paragraphs and table cells in their own way; they all
hand them to a :class:`LayoutBuilder` (a :class:`~.blocks.TextBuilder` with these rules), which
writes the one normalised text the spans point into and the blocks with their offsets — so that a
structured document yields the same blocks as its plain-text export:

* a paragraph is written as its lines (a line break inside a paragraph starts a new line);
  every non-blank line becomes one :class:`~.blocks.Paragraph`, trimmed, as the plain-text
  reader does;
* an empty paragraph is an empty line (the structure stage reads empty lines as gaps);
* a table row is written as its cells separated by tabs, ending with a line break; a cell may
  hold line breaks of its own. Cell offsets are trimmed like the plain-text reader's.

A table with fewer than two rows, or with no row of two cells, is a layout device (a date and
a number side by side, a framed title), not a table of data: its non-empty cells become
paragraphs — the same rule as the plain-text reader's.
"""

from __future__ import annotations

import unicodedata

from .blocks import Cell, Paragraph, RawDocument, Row, Table, TextBuilder

#: Characters that mean "line break" inside a paragraph or cell once read.
_BREAKS = str.maketrans({"\r": "\n", "\v": "\n", "\f": "\n", "\u2028": "\n", "\u2029": "\n", "\x85": "\n"})


def clean_piece(text: str) -> str:
    """NFC, every kind of line break as ``\\n``, no byte-order marks, no soft hyphens."""
    text = text.replace("\r\n", "\n").translate(_BREAKS).replace("\ufeff", "").replace("\u00ad", "")
    return unicodedata.normalize("NFC", text)


class LayoutBuilder(TextBuilder):
    """:class:`~.blocks.TextBuilder` with the format readers' rules (see the module docstring):
    one paragraph block per line, layout tables as paragraphs, tabs inside cells kept."""

    def __init__(self) -> None:
        super().__init__()
        self.notes: list[str] = []

    def blank(self) -> None:
        """An empty line (an empty paragraph of the source)."""
        self._write("\n")

    def paragraph(self, text: str) -> None:
        """A paragraph: each of its lines on a line of its own; empty lines stay empty."""
        for line in clean_piece(text).split("\n"):
            start = self._write(line + "\n")
            block = _trimmed_paragraph(line, start)
            if block is not None:
                self._blocks.append(block)

    def table(self, rows: list[list[str]]) -> None:
        """A table given as rows of cell texts (empty rows are kept, as in the source)."""
        rows = [[clean_piece(c) for c in row] for row in rows if row]
        if len(rows) < 2 or max(len(r) for r in rows) < 2:
            for row in rows:
                self._layout_row(row)
            return
        built = []
        for row in rows:
            built.append(Row(tuple(self._cells(row))))
        self._blocks.append(Table(tuple(built)))

    def _cells(self, row: list[str]) -> list[Cell]:
        cells = []
        for k, text in enumerate(row):
            start = self._write(text)
            cells.append(_trimmed_cell(text, start))
            self._write("\t" if k < len(row) - 1 else "\n")
        return cells

    def _layout_row(self, row: list[str]) -> None:
        """The cells of a layout table side by side, tab-separated; each line of a cell a paragraph."""
        for k, text in enumerate(row):
            for j, line in enumerate(text.split("\n")):
                if j:
                    self._write("\n")
                block = _trimmed_paragraph(line, self._write(line))
                if block is not None:
                    self._blocks.append(block)
            self._write("\t" if k < len(row) - 1 else "\n")

    # -- result --------------------------------------------------------------------------------

    def build(self, name: str, media_type: str, notes: list[str] | tuple[str, ...] = ()) -> RawDocument:
        """The :class:`RawDocument` written so far, with the builder's notes and ``notes``."""
        return self.document(name, media_type, tuple(self.notes) + tuple(notes))

def _bounds(text: str) -> tuple[int, int]:
    stripped = text.strip()
    if not stripped:
        return 0, 0
    left = len(text) - len(text.lstrip())
    return left, left + len(stripped)


def _trimmed_paragraph(line: str, start: int) -> Paragraph | None:
    left, right = _bounds(line)
    return Paragraph(line[left:right], start + left, start + right) if right > left else None


def _trimmed_cell(text: str, start: int) -> Cell:
    left, right = _bounds(text)
    return Cell(text[left:right], start + left, start + right) if right > left else Cell("", start, start)
