"""Rendering a synthetic act: one layout-free document model → .txt (two layouts) or .docx.

The model is a list of blocks: :class:`Line` (one paragraph; ``Line("")`` is an empty line) and
:class:`Grid` (a table of cell texts; a cell may hold several lines, a row of one cell is a row
spanning the table). The renderers write the layouts of the sample acts:

* ``txt-rows`` (Tula): one table row per line, cells separated by tabs; a multi-line cell is
  joined with spaces; an empty line may separate rows;
* ``txt-cells`` (Kostroma): one cell per line, each starting with a tab, a cell's further lines
  without the tab, an empty line after each row;
* ``docx``: Word paragraphs and real tables (a one-cell row is merged across the table), with
  fixed package dates so that the same model always gives the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone

LAYOUTS = ("txt-rows", "txt-cells", "docx")
FIXED_TIME = datetime(2024, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Line:
    """One paragraph of text (empty: an empty line)."""

    text: str


@dataclass
class Grid:
    """A table: rows of cell texts (``\\n`` inside a cell separates its lines)."""

    rows: list[list[str]] = field(default_factory=list)
    gaps: frozenset[int] = frozenset()  # txt-rows: row indices preceded by an empty line


Block = Line | Grid


def render(blocks: list[Block], layout: str) -> bytes:
    """The file bytes of a document model in one of :data:`LAYOUTS`."""
    if layout == "txt-rows":
        return _text(blocks, _rows_table).encode("utf-8")
    if layout == "txt-cells":
        return _text(blocks, _cells_table).encode("utf-8")
    if layout == "docx":
        return _docx(blocks)
    raise ValueError(f"unknown layout {layout!r}: use one of {', '.join(LAYOUTS)}")


def suffix(layout: str) -> str:
    """The file name suffix of a layout."""
    return ".docx" if layout == "docx" else ".txt"


# -- plain text --------------------------------------------------------------------------------------------


def _text(blocks: list[Block], table) -> str:
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Grid):
            out.extend(table(block))
        else:
            out.append(block.text)
    return "\n".join(out) + "\n"


def _rows_table(grid: Grid) -> list[str]:
    """Tula: a row per line, tab-separated; a row of one cell keeps its tabs (number, title, empties)."""
    width = max(len(r) for r in grid.rows)
    lines = []
    for index, row in enumerate(grid.rows):
        if index in grid.gaps:
            lines.append("")
        cells = [" ".join(c.split("\n")) for c in row]
        if len(cells) == 1:
            cells = _split_heading(cells[0]) + [""] * (width - 2)
        lines.append("\t".join(cells))
    return lines


def _split_heading(text: str) -> list[str]:
    """"1. Title" → ["1.", "Title"] (a section row of the rows layout has a number cell)."""
    number, _, title = text.partition(" ")
    return [number, title] if number.rstrip(".").isdigit() else ["", text]


def _cells_table(grid: Grid) -> list[str]:
    """Kostroma: a cell per line with a leading tab, continuation lines without it, a blank line per row."""
    lines = []
    for row in grid.rows:
        for cell in row:
            first, *rest = cell.split("\n") if cell else [""]
            lines.append("\t" + first)
            lines.extend(line for line in rest if line.strip())
        lines.append("")
    return lines


# -- Word ------------------------------------------------------------------------------------------------


def _docx(blocks: list[Block]) -> bytes:
    from docx import Document

    document = Document()
    for block in blocks:
        if isinstance(block, Grid):
            _docx_table(document, block)
        else:
            document.add_paragraph(block.text)
    props = document.core_properties
    props.author, props.last_modified_by, props.revision = "shnor-kg bench", "shnor-kg bench", 1
    props.created = props.modified = props.last_printed = FIXED_TIME.replace(tzinfo=None)
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_zip_times(buffer.getvalue())


def _docx_table(document, grid: Grid) -> None:
    width = max(len(r) for r in grid.rows)
    table = document.add_table(rows=len(grid.rows), cols=width)
    for row, cells in zip(table.rows, grid.rows):
        targets = [row.cells[0].merge(row.cells[width - 1])] if len(cells) == 1 and width > 1 else row.cells
        for cell, text in zip(targets, cells):
            lines = text.split("\n")
            cell.paragraphs[0].text = lines[0]
            for line in lines[1:]:
                cell.add_paragraph(line)


def _fixed_zip_times(data: bytes) -> bytes:
    """The same ZIP with every entry dated :data:`FIXED_TIME` (python-docx stamps the current time)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()
