"""PDF with a text layer: ruled tables and running text, in reading order, lines re-joined.

``pdfplumber`` gives the characters with their boxes and finds ruled tables (the "lines"
strategy). On each page the characters inside a table go to its cells, the others to running
text; both are cut into lines, and lines are joined back into paragraphs (and cell texts) by
how a layout engine breaks them:

* a line ends its paragraph when the first word of the next line would have fitted after it
  (the break was the author's, not the engine's), when the next line is indented further, or
  when it ends a sentence and the next line starts a numbered or dashed entry;
* otherwise the next line continues it: after a space — or with nothing in between when the
  line ends with a letter and a hyphen ("нормативно-" + "правовых" → "нормативно-правовых"), or
  when the line is one word filling the whole width and the next starts in lower case (a word
  broken for lack of room: "Информационно" + "е" → "Информационное");
* a vertical gap of at least a line height is an empty line (the structure stage reads gaps).

A table continued on the next page (the first thing on the page, same columns) is one table;
a repeated header row is dropped, and a row broken by the page is put back together. Page numbers alone on the first or last line of a page are
dropped. Cells spanning columns or rows are read once (empty cells in the columns and rows
they cover), as in the .docx reader.

No text on any page: "scanned PDF: no text layer; OCR it first". A text layer made of glyph
codes without a character map is refused the same way.
"""

from __future__ import annotations

import bisect
import functools
import io
import re
import statistics
import warnings
from dataclasses import dataclass, field

from ..errors import IngestError
from .blocks import RawDocument
from .readers_layout import LayoutBuilder

PDF_MEDIA_TYPE = "application/pdf"
_PAGE_NUMBER = re.compile(r"^(?:[-–—\s]*\d{1,4}[-–—\s]*|(?:страница|стр\.?|page)\s*\d+(?:\s*(?:из|of)\s*\d+)?)$", re.I)
_MARKER = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*[.)]|[-–—•])\s")


def is_pdf(data: bytes) -> bool:
    """The PDF header, possibly after some junk (readers tolerate up to 1 KiB of it)."""
    return b"%PDF-" in data[:1024]


# -- lines -------------------------------------------------------------------------------------------


@dataclass
class Line:
    """One line of characters: its text and geometry (PDF points, top-down)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    first_word: float  # width of the first word
    first_char: float  # width of the first character
    page: int = 0

    @property
    def space(self) -> float:
        return 0.25 * self.size


def make_lines(chars: list[dict], page: int = 0) -> list[Line]:
    """Group characters into lines (by vertical position), each line's characters left to right."""
    groups: list[list[dict]] = []
    bounds: list[tuple[float, float]] = []
    for char in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        mid = (char["top"] + char["bottom"]) / 2
        if groups and bounds[-1][0] <= mid <= bounds[-1][1]:
            groups[-1].append(char)
            bounds[-1] = (min(bounds[-1][0], char["top"]), max(bounds[-1][1], char["bottom"]))
        else:
            groups.append([char])
            bounds.append((char["top"], char["bottom"]))
    lines = [_line(sorted(g, key=lambda c: c["x0"]), page) for g in groups]
    return [ln for ln in lines if ln is not None]


def _line(chars: list[dict], page: int) -> Line | None:
    size = statistics.median(c.get("size") or (c["bottom"] - c["top"]) or 10.0 for c in chars)
    parts: list[str] = []
    previous = None
    first_word_end = None  # x1 of the first word, once a space or a gap ends it
    visible = [c for c in chars if not c["text"].isspace()]
    if not visible:
        return None
    for char in chars:
        text = char["text"]
        if previous is not None and not text.isspace() and not previous["text"].isspace():
            gap = char["x0"] - previous["x1"]
            if gap > 0.12 * size:
                parts.append(" " * (1 if gap < 1.5 * size else min(40, max(3, round(gap / (0.3 * size))))))
        if first_word_end is None and previous is not None and not previous["text"].isspace() and parts and (
                text.isspace() or parts[-1].isspace()):
            first_word_end = previous["x1"]
        parts.append(text)
        previous = char
    text = "".join(parts).strip()
    first_word_end = first_word_end if first_word_end is not None else visible[-1]["x1"]
    return Line(text, visible[0]["x0"], visible[-1]["x1"], min(c["top"] for c in chars),
                max(c["bottom"] for c in chars), size, first_word_end - visible[0]["x0"],
                visible[0]["x1"] - visible[0]["x0"], page)


def join_rule(a: Line, b: Line, right: float) -> str | None:
    """How ``b`` continues ``a`` in a column whose text ends at ``right``: ``" "``, ``""`` or None (new paragraph)."""
    tolerance = 1.0
    if _MARKER.match(b.text) and a.text[-1] in ".;:!?»)":
        return None
    if _all_caps(a.text) and not _all_caps(b.text):
        return None  # a heading in capitals, then ordinary text
    if b.x0 > a.x0 + max(2 * a.space, 4.0) and a.x1 < right - tolerance - b.first_word:
        return None  # indented, and the indented word would have fitted: a new paragraph
    if a.x1 + a.space + b.first_word <= right - tolerance:
        return None  # the next word would have fitted: the author broke the line
    if a.text.endswith("№") and b.text.startswith("№"):
        return ""  # "№№ 2,3" broken between the signs
    if len(a.text) > 1 and a.text[-1] in "-–—" and a.text[-2].isalpha() and b.text[0].isalpha():
        return ""  # "нормативно-" + "правовых", "индивидуально–" + "ориентированного"
    if " " not in a.text and a.x1 + b.first_char > right - tolerance and _broken_word(a.text, b.text):
        return ""
    return " "


def _all_caps(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


def _broken_word(head: str, tail_line: str) -> bool:
    """``head`` filled its line, so a word may have been cut: is ``tail_line`` its rest?

    The rest of a cut word does not start in upper case. A lower-case rest joins when the two
    together make a word of the dictionary ("Информационно" + "е", "педагогическ" + "их",
    "неуспешност" + "и" — a known prefix and a dictionary word count) or when neither part is a
    word; a word followed by something
    that does not make a word with it ("Городской" + "центр", "самодиагностики" + "руководящих")
    was a break at a space. Only the letters at the end of the head count
    ("информационно-библиотечны" + "е", "<p>Методическо" + "е").
    """
    tail = tail_line.split()[0]
    first = tail[0]
    if first.isdigit() or first in ".,;:)»":
        return True
    if not first.islower():
        return False
    head_part = re.search(r"[^\W\d_]*$", head)[0].lower()  # its last run of letters ("<p>Методическо")
    tail_part = re.match(r"[^\W\d_]*", tail)[0].lower()
    if not head_part:
        return False
    return _dictionary_word(head_part + tail_part) or not (_dictionary_word(head_part) or _dictionary_word(tail_part))


@functools.lru_cache(maxsize=8192)
def _dictionary_word(word: str) -> bool:
    """A word of the dictionary, or a dictionary word after a known prefix ("не|успешности")."""
    from .morph import analyzer

    if not word or analyzer().word_is_known(word):
        return bool(word)
    stack = [type(step[0]).__name__ for step in analyzer().parse(word)[0].methods_stack]
    return stack == ["DictionaryAnalyzer", "KnownPrefixAnalyzer"]


# -- pages -----------------------------------------------------------------------------------------------


@dataclass
class _Table:
    rows: list[list]  # cell lines (_CellLines or None) until _cell_texts makes them texts
    top: float
    bottom: float
    columns: int
    row_bottoms: list[float] = field(default_factory=list)


@dataclass
class _Page:
    number: int
    lines: list[Line] = field(default_factory=list)
    tables: list[_Table] = field(default_factory=list)


def read_pdf(data: bytes, name: str) -> RawDocument:
    """Read a PDF's text layer into the block model (see the module docstring)."""
    notes: list[str] = []
    pages, images = _pages(data, name, notes)
    if not pages:
        raise IngestError(f"{name}: damaged PDF, cannot be read: it has no pages", file=name)
    if not any(p.lines or p.tables for p in pages):
        if images:
            raise IngestError(f"{name}: scanned PDF: no text layer; OCR it first", file=name)
        raise IngestError(f"{name}: no text layer in the PDF (its pages hold no text); OCR it first if it is a scan", file=name)
    right = max((ln.x1 for p in pages for ln in p.lines), default=0.0)
    _join_tables_across_pages(pages)
    _cell_texts(pages)
    builder = LayoutBuilder()
    _emit(pages, right, builder)
    return builder.build(name, PDF_MEDIA_TYPE, notes)


def _pages(data: bytes, name: str, notes: list[str]) -> tuple[list[_Page], int]:
    import pdfplumber

    pages: list[_Page] = []
    images = 0
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            with pdfplumber.open(io.BytesIO(data)) as pdf:
                for number, page in enumerate(pdf.pages):
                    images += len(page.images)
                    pages.append(_page(page, number, name))
                    page.flush_cache()
        except IngestError:
            raise
        except Exception as exc:  # pdfminer raises many types for damaged or encrypted files
            raise IngestError(_pdf_failure(name, exc), file=name) from None
    notes.extend(sorted({f"PDF reader warning: {w.message}"[:200] for w in caught}))
    return pages, images


def _pdf_failure(name: str, exc: Exception) -> str:
    chain, seen = [], exc
    while seen is not None and len(chain) < 20:
        chain.append(type(seen).__name__)
        seen = seen.__cause__ or seen.__context__
    if any("Password" in c or "Encryption" in c for c in chain) or "password" in str(exc).lower():
        return f"{name}: encrypted PDF (password protected): cannot be read"
    return f"{name}: damaged PDF, cannot be read: {type(exc).__name__}: {exc}"[:400]


def _page(page, number: int, name: str) -> _Page:
    chars = _unique_chars(page.chars)
    if chars and sum(c["text"].startswith("(cid:") for c in chars) > 0.3 * len(chars):
        raise IngestError(f"{name}: the PDF's text layer is glyph codes without a character map (page {number + 1}); OCR it first", file=name)
    result = _Page(number)
    if not chars:
        return result
    tables = [t for t in page.find_tables() if _is_data_table(t)]
    free = _assign(chars, tables, result)
    result.lines = [ln for ln in make_lines(free, number)]
    result.lines = _without_page_numbers(result.lines)
    return result


def _unique_chars(chars: list[dict]) -> list[dict]:
    """Upright characters, each once (a "bold" made by printing twice is one character)."""
    seen: set[tuple] = set()
    out = []
    for char in chars:
        key = (char["text"], round(char["x0"]), round(char["top"]))
        if char.get("upright", True) and key not in seen:
            seen.add(key)
            out.append(char)
    return out


def _is_data_table(table) -> bool:
    rows = table.rows
    return len(rows) >= 2 and max(sum(1 for c in r.cells if c is not None) for r in rows) >= 2


@dataclass
class _CellLines:
    """The lines of one table cell, the right edge of its text, the bottom of the cell."""

    lines: list[Line]
    right: float
    bottom: float = 0.0


def _assign(chars: list[dict], tables, page: _Page) -> list[dict]:
    """Fill ``page.tables`` with the lines of each cell; return the characters outside every cell."""
    used: set[int] = set()
    ordered = sorted(range(len(chars)), key=lambda i: _mid_y(chars[i]))
    mids = [_mid_y(chars[i]) for i in ordered]
    for table in tables:
        x0, top, x1, bottom = table.bbox
        rows, bottoms = [], []
        for row in table.rows:
            bottoms.append(row.bbox[3])
            cells = [_cell_lines(chars, ordered, mids, bbox, used) if bbox is not None else None for bbox in row.cells]
            real = [bbox for bbox in row.cells if bbox is not None]
            if len(real) == 1 and real[0][0] - x0 < 1 and x1 - real[0][2] < 1:
                cells = [cells[row.cells.index(real[0])]]
            rows.append(cells)
        page.tables.append(_Table(rows, top, bottom, len(table.rows[0].cells), bottoms))
    return [c for i, c in enumerate(chars) if i not in used]


def _mid_y(char: dict) -> float:
    return (char["top"] + char["bottom"]) / 2


def _cell_lines(chars, ordered, mids, bbox, used: set[int]) -> _CellLines:
    x0, top, x1, bottom = bbox
    lo, hi = bisect.bisect_left(mids, top), bisect.bisect_left(mids, bottom)
    inside = []
    for k in range(lo, hi):
        i = ordered[k]
        mid_x = (chars[i]["x0"] + chars[i]["x1"]) / 2
        if x0 <= mid_x < x1 and i not in used:
            inside.append(chars[i])
            used.add(i)
    lines = make_lines(inside)
    pad = max(0.0, min(ln.x0 for ln in lines) - x0) if lines else 0.0
    return _CellLines(lines, x1 - pad, bottom)


def _join_tables_across_pages(pages: list[_Page]) -> None:
    """A table that is the first thing on a page and continues a table that was the last thing on
    the page before (same number of columns) is appended to it: without a repeated header row, and
    with a row broken by the page put back together (:func:`_broken_row`)."""
    open_table: _Table | None = None
    for page in pages:
        first = min([(t.top, 1, t) for t in page.tables] + [(ln.top, 0, ln) for ln in page.lines], default=None, key=lambda x: x[:2])
        if open_table is not None and first is not None and first[1] and first[2].columns == open_table.columns:
            more = first[2]
            rows = more.rows[1:] if more.rows and _texts(more.rows[0]) == _texts(open_table.rows[0]) else more.rows
            if rows and open_table.rows:
                _continue_merged_cells(open_table, rows[0])
            if rows and open_table.rows and _broken_row(open_table.rows[-1], rows[0]):
                open_table.rows[-1] = [_joined_cells(a, b) for a, b in zip(open_table.rows[-1], rows[0])]
                rows = rows[1:]
            open_table.rows.extend(rows)
            open_table.row_bottoms.extend(more.row_bottoms[-len(rows):] if rows else [])
            page.tables.remove(more)
        last = max([(t.bottom, 1, t) for t in page.tables] + [(ln.bottom, 0, ln) for ln in page.lines], default=None, key=lambda x: x[:2])
        if last is not None:
            open_table = last[2] if last[1] else None
        elif first is not None and first[1]:
            pass  # the whole page continued the open table
        else:
            open_table = None


def _texts(row: list) -> list[str]:
    return [_join(c.lines, c.right, set()) if c else "" for c in row]


def _broken_row(before: list, after: list) -> bool:
    """The first row on a page is the rest of the last row of the page before: its first cell is
    empty, and either every cell goes on without a capital (the middle of a sentence) or a cell
    that had text before the break has none after it (it ended before the page did)."""
    if len(before) != len(after) or len(after) < 2 or (after[0] and after[0].lines):
        return False
    rest = [c for c in after[1:] if c and c.lines]
    if not rest or any(a and a.lines and b is None for b, a in zip(before, after)):
        return False
    if all(not c.lines[0].text[0].isupper() for c in rest):
        return True
    return any(b and b.lines and not (a and a.lines) for b, a in zip(before[1:], after[1:]))


def _continue_merged_cells(table: _Table, first: list) -> None:
    """A cell merged over several rows and cut by the page goes on in the first row of the next
    page: its text there (starting without a capital) is appended to the merged cell."""
    for k, cell in enumerate(first):
        if not (cell and cell.lines) or cell.lines[0].text[0].isupper() or k >= len(table.rows[-1]):
            continue
        origin = _covering(table, k)
        if origin is not None:
            table.rows[origin][k] = _joined_cells(table.rows[origin][k], cell)
            first[k] = None


def _covering(table: _Table, k: int) -> int | None:
    """The row of the cell merged over several rows that covers column ``k`` down to the table's bottom."""
    last = len(table.rows) - 1
    for r in range(last, -1, -1):
        cell = table.rows[r][k] if k < len(table.rows[r]) else None
        if cell is not None:
            reaches = table.row_bottoms and cell.bottom >= table.row_bottoms[-1] - 1
            return r if r < last and reaches else None
    return None


def _joined_cells(a: _CellLines | None, b: _CellLines | None) -> _CellLines | None:
    if not (b and b.lines):
        return a
    if not (a and a.lines):
        return b
    return _CellLines(a.lines + [_from_new_page(ln) for ln in b.lines], a.right, a.bottom)


def _from_new_page(line: Line) -> Line:
    """A line from the next page, as a continuation: no vertical gap to measure above it."""
    return Line(line.text, line.x0, line.x1, line.top, line.bottom, line.size, line.first_word, line.first_char, -1)


def _column_entries(pages: list[_Page]) -> dict[tuple[int, int], set[str]]:
    """Per table column (by table width and column number): the texts standing as entries of their
    own somewhere — a cell paragraph between certain breaks (the cell's edges, a line that ends
    before the next word would have had to wrap)."""
    entries: dict[tuple[int, int], set[str]] = {}
    for table in (t for p in pages for t in p.tables):
        for row in table.rows:
            if len(row) == 1:
                continue
            for k, cell in enumerate(row):
                if cell is not None and cell.lines:
                    entries.setdefault((table.columns, k), set()).update(_paragraphs(cell))
    return entries


def _paragraphs(cell: _CellLines) -> list[str]:
    text = _join(cell.lines, cell.right, set())
    return [part for part in text.split("\n") if part]


def _cell_texts(pages: list[_Page]) -> None:
    """Turn every table's cell lines into cell texts (placeholders of spanned places are empty)."""
    entries = _column_entries(pages)
    for table in (t for p in pages for t in p.tables):
        table.rows = [[_join(cell.lines, cell.right, entries.get((table.columns, k), set())) if cell else ""
                       for k, cell in enumerate(row)] for row in table.rows]


def _join(lines: list[Line], right: float, entries: set[str]) -> str:
    """The lines of one cell as its text: wrapped lines joined, paragraphs on lines of their own.

    A line that could be a wrap but is, word for word, an entry standing alone elsewhere in the
    same column ("Руководители ОУ") starts a new paragraph here too.
    """
    if not lines:
        return ""
    glues = [join_rule(a, b, right) for a, b in zip(lines, lines[1:])] + [None]
    out = lines[0].text
    for k, b in enumerate(lines[1:], 1):
        glue = glues[k - 1]
        if glue == " " and entries and b.text[:1].isupper() and _paragraph_from(lines, glues, k) in entries:
            glue = None
        out += ("\n" if glue is None else glue) + b.text
    return out


def _paragraph_from(lines: list[Line], glues: list[str | None], k: int) -> str:
    """The text from line ``k`` to the next certain paragraph break."""
    out = lines[k].text
    while glues[k] is not None:
        out += glues[k] + lines[k + 1].text
        k += 1
    return out


def _without_page_numbers(lines: list[Line]) -> list[Line]:
    """Drop a page number alone on the first or the last line of the page."""
    if lines and _PAGE_NUMBER.match(lines[-1].text):
        lines = lines[:-1]
    if lines and _PAGE_NUMBER.match(lines[0].text):
        lines = lines[1:]
    return lines


# -- reading order and paragraphs ------------------------------------------------------------------------


class _Flow:
    """Writes pages in reading order: lines joined into paragraphs, tables joined across pages."""

    def __init__(self, builder: LayoutBuilder, right: float, line_height: float) -> None:
        self.builder = builder
        self.right = right
        self.line_height = line_height
        self.paragraph: list[str] = []
        self.line: Line | None = None  # the last line written, while a paragraph may go on
        self.table: _Table | None = None  # the last table, while it may go on
        self.bottom: float | None = None  # bottom of the last thing on this page

    def page(self, page: _Page) -> None:
        items = sorted([(ln.top, 0, ln) for ln in page.lines] + [(t.top, 1, t) for t in page.tables], key=lambda x: x[:2])
        for _, kind, item in items:
            if kind:
                self.add_table(item)
            else:
                self.add_line(item)
        self.bottom = None  # no gap is measured across a page break

    def add_table(self, table: _Table) -> None:
        self.flush_paragraph()
        self.flush_table()
        self.blank_if_gap(table.top)
        self.table = table
        self.line, self.bottom = None, table.bottom

    def add_line(self, line: Line) -> None:
        self.flush_table()
        gap = self.blank_if_gap(line.top)
        glue = None if gap or self.line is None else join_rule(self.line, line, self.right)
        if glue is None:
            self.flush_paragraph()
            self.paragraph.append(line.text)
        else:
            self.paragraph.append(glue + line.text)
        self.line, self.bottom = line, line.bottom

    def blank_if_gap(self, top: float) -> bool:
        """An empty line when the vertical gap above ``top`` holds at least a line's height."""
        if self.bottom is not None and top - self.bottom >= self.line_height:
            self.flush_paragraph()
            self.builder.blank()
            return True
        return False

    def flush_paragraph(self) -> None:
        if self.paragraph:
            self.builder.paragraph("".join(self.paragraph))
            self.paragraph.clear()

    def flush_table(self) -> None:
        if self.table is not None:
            self.builder.table(self.table.rows)
            self.table = None

    def finish(self) -> None:
        self.flush_paragraph()
        self.flush_table()


def _emit(pages: list[_Page], right: float, builder: LayoutBuilder) -> None:
    heights = [ln.bottom - ln.top for p in pages for ln in p.lines]
    flow = _Flow(builder, right, statistics.median(heights) if heights else 12.0)
    for page in pages:
        flow.page(page)
    flow.finish()
