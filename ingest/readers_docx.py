"""Word .docx (and other ZIP containers): the body walked in order into the block model.

``python-docx`` opens the package; the body's XML is then walked directly so that paragraphs
and tables keep their order and table cells are the real cells:

* a cell spanning columns (``w:gridSpan``) is read once, at its first column; the columns it
  covers are empty cells, so later cells keep their column — except a row made of one cell
  across the whole table (a section heading), which is a row of one cell, as in text exports;
* a cell continuing a vertical merge (``w:vMerge`` without ``restart``) is an empty cell: the
  text stays in the first row of the merge (never copied into each row);
* automatic numbering (``w:numPr`` on the paragraph or its style) is written out as Word shows
  it ("1.", "1.1.", "а)") — clause numbers of acts are often automatic;
* text boxes, headers, footers and footnotes are not read (a note says how many text boxes
  were skipped).

A .docx made by LibreOffice from another format is checked (``converted=True``): rows left as
tab-separated paragraphs right after a table are put back into it; and for a .doc, a table that
the conversion flattened into one paragraph (seen with a table at the very end of a document:
"№ п/пНаименование…ФИО руководителя1Муниципальное…") is found in the .doc's own text, where cell
marks still separate its cells and rows (:mod:`.readers_doc_text`), and restored. The notes say
what was restored.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from dataclasses import dataclass

from ..errors import IngestError
from .blocks import RawDocument
from .readers_layout import LayoutBuilder

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT_MEDIA_TYPE = "application/vnd.oasis.opendocument.text"
MAX_EXPANDED_BYTES = 1 << 30  # a ZIP that unpacks to more than this is refused (a "zip bomb")


def q(tag: str) -> str:
    """Clark notation of a WordprocessingML tag: ``q("p")`` → ``{…/main}p``."""
    return f"{{{W}}}{tag}"


def _attr(element, name: str) -> str | None:
    return element.get(q(name)) if element is not None else None


# -- the ZIP container ----------------------------------------------------------------------------------


def is_zip(data: bytes) -> bool:
    """A ZIP archive: a local file header, or an empty archive's end record."""
    return data[:4] in (b"PK\x03\x04", b"PK\x05\x06")


def read_zip(data: bytes, name: str) -> RawDocument:
    """A .docx, or an .odt (through LibreOffice); other ZIP archives are refused with the reason."""
    names = _zip_names(data, name)
    if "word/document.xml" in names:
        return read_docx(data, name)
    kind = _zip_kind(data, names)
    if kind == ODT_MEDIA_TYPE:
        from .readers_office import read_via_libreoffice

        return read_via_libreoffice(data, name, "odt", ODT_MEDIA_TYPE)
    if kind:
        raise IngestError(f"{name}: a {kind} package, not a text document (.docx, .odt)", file=name)
    if "xl/workbook.xml" in names or "ppt/presentation.xml" in names:
        raise IngestError(f"{name}: an Excel or PowerPoint file, not a text document (.docx, .odt)", file=name)
    raise IngestError(f"{name}: a ZIP archive that is not a Word (.docx) or OpenDocument (.odt) text", file=name)


def _zip_names(data: bytes, name: str) -> set[str]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise IngestError(f"{name}: damaged or truncated ZIP container (.docx/.odt): {exc}", file=name) from None
    expanded = sum(i.file_size for i in infos)
    if expanded > MAX_EXPANDED_BYTES:
        raise IngestError(f"{name}: the archive unpacks to {expanded} bytes (more than {MAX_EXPANDED_BYTES}): refused", file=name)
    return {i.filename for i in infos}


def _zip_kind(data: bytes, names: set[str]) -> str | None:
    """The media type an OpenDocument package declares in its ``mimetype`` entry."""
    if "mimetype" not in names:
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.read("mimetype")[:200].decode("ascii", "replace").strip() or None
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, RuntimeError, EOFError, NotImplementedError):  # a damaged entry
        return None


# -- .docx ------------------------------------------------------------------------------------------------


@dataclass
class _Para:
    text: str


@dataclass
class _Tbl:
    rows: list[list[str]]


def read_docx(data: bytes, name: str, *, converted: bool = False, media_type: str = DOCX_MEDIA_TYPE,
              original_doc: bytes | None = None) -> RawDocument:
    """Read a .docx into the block model.

    ``converted``: the .docx was made by LibreOffice from another format; ``original_doc``: that
    format was a Word 97–2003 .doc, whose own text is used to check the tables (see the module
    docstring).
    """
    document = _open(data, name)
    walker = _Walker(document)
    items = walker.body(document.element.body)
    notes = walker.notes()
    if converted:
        items, recovered = _recover_flattened_rows(items)
        notes += [f"{recovered} table row(s) restored from tab-separated paragraphs after the conversion"] if recovered else []
    if original_doc is not None:
        items, more = _restore_from_doc(items, original_doc)
        notes += more
    builder = LayoutBuilder()
    for item in items:
        if isinstance(item, _Tbl):
            builder.table(item.rows)
        elif item.text.strip():
            builder.paragraph(item.text)
        else:
            builder.blank()
    return builder.build(name, media_type, notes)


def _open(data: bytes, name: str):
    _zip_names(data, name)
    import docx

    try:
        return docx.Document(io.BytesIO(data))
    except IngestError:  # the per-file time limit
        raise
    except Exception as exc:  # python-docx, zipfile and lxml raise many types for damaged files
        raise IngestError(f"{name}: damaged .docx, cannot be opened: {type(exc).__name__}: {exc}"[:400], file=name) from None


class _Walker:
    """Walks a document's body: paragraphs with their numbering, tables with their real cells."""

    def __init__(self, document) -> None:
        self.numbering = _Numbering(document)
        self.text_boxes = 0
        self.vertical_merges = 0

    def notes(self) -> list[str]:
        out = []
        if self.text_boxes:
            out.append(f"{self.text_boxes} text box(es) not read")
        if self.vertical_merges:
            out.append(f"{self.vertical_merges} vertically merged table cell(s): text kept in the first row of each merge")
        return out

    def body(self, element) -> list:
        """Paragraphs and tables of a body, a content control or a cell, in order."""
        items: list = []
        for child in element.iterchildren():
            if child.tag == q("p"):
                items.append(_Para(self.paragraph(child)))
            elif child.tag == q("tbl"):
                items.append(_Tbl(self.table(child)))
            elif child.tag == q("customXml"):
                items.extend(self.body(child))
            elif child.tag == q("sdt") and child.find(q("sdtContent")) is not None:
                items.extend(self.body(child.find(q("sdtContent"))))
        return items

    # -- paragraphs ---------------------------------------------------------------------------------

    def paragraph(self, p) -> str:
        label = self.numbering.label(p)
        text = "".join(self._runs(p))
        return f"{label} {text}" if label and text.strip() else text

    def _runs(self, element):
        for child in element.iterchildren():
            tag = child.tag
            if tag == q("t"):
                yield child.text or ""
            elif tag in (q("tab"), q("ptab")):
                yield "\t"
            elif tag in (q("br"), q("cr")):
                yield "\n"
            elif tag == q("noBreakHyphen"):
                yield "-"
            elif tag == q("sym"):
                yield _symbol(child)
            elif tag == q("txbxContent"):
                self.text_boxes += 1
            elif tag in (q("del"), q("moveFrom"), q("pPr"), q("rPr"), q("instrText"), q("delText"), f"{{{MC}}}Fallback"):
                continue
            elif len(child):
                yield from self._runs(child)

    # -- tables -------------------------------------------------------------------------------------

    def table(self, tbl) -> list[list[str]]:
        """Rows of cell texts aligned on the table grid (see the module docstring)."""
        width = len(tbl.findall(f"{q('tblGrid')}/{q('gridCol')}"))
        rows = []
        for tr in _children(tbl, "tr"):
            rows.append(self.row(tr, width))
        return rows

    def row(self, tr, width: int) -> list[str]:
        pr = tr.find(q("trPr"))
        before = _int(_attr(pr.find(q("gridBefore")) if pr is not None else None, "val"), 0)
        cells: list[str] = [""] * before
        spans = []
        for tc in _children(tr, "tc"):
            span, text = self.cell(tc)
            spans.append(span)
            cells.extend([text] + [""] * (span - 1))
        if len(spans) == 1 and before == 0 and spans[0] >= max(width, 2):
            return cells[:1]  # one cell across the table: a heading row
        return cells

    def cell(self, tc) -> tuple[int, str]:
        pr = tc.find(q("tcPr"))
        span = max(1, _int(_attr(pr.find(q("gridSpan")) if pr is not None else None, "val"), 1))
        merge = pr.find(q("vMerge")) if pr is not None else None
        if merge is not None and _attr(merge, "val") in (None, "continue"):
            self.vertical_merges += 1
            return span, ""
        lines = []
        for item in self.body(tc):
            lines.append(item.text if isinstance(item, _Para) else "\n".join(" ".join(r) for r in item.rows))
        return span, "\n".join(lines).strip("\n")


def _children(element, tag: str) -> list:
    """Direct children with ``tag``, also those wrapped in content controls."""
    out = []
    for child in element.iterchildren():
        if child.tag == q(tag):
            out.append(child)
        elif child.tag == q("sdt") and child.find(q("sdtContent")) is not None:
            out.extend(_children(child.find(q("sdtContent")), tag))
        elif child.tag == q("customXml"):
            out.extend(_children(child, tag))
    return out


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _symbol(sym) -> str:
    """A ``w:sym`` character: its code unless it is a private-use (Symbol/Wingdings) glyph."""
    code = _attr(sym, "char") or ""
    try:
        value = int(code, 16)
    except ValueError:
        return ""
    if 0xF000 <= value <= 0xF0FF:
        value -= 0xF000
        return {0xB7: "•", 0x2D: "-", 0xA7: "•", 0x96: "–", 0x97: "—"}.get(value, "")
    return chr(value) if 0x20 <= value < 0x110000 else ""


def _recover_flattened_rows(items: list) -> tuple[list, int]:
    """Paragraphs right after a table holding exactly its width − 1 tabs are its lost rows."""
    out: list = []
    recovered = 0
    for item in items:
        last = out[-1] if out else None
        if isinstance(item, _Para) and isinstance(last, _Tbl) and last.rows:
            width = max(len(r) for r in last.rows)
            cells = item.text.split("\t")
            if width >= 2 and len(cells) == width and any(c.strip() for c in cells):
                last.rows.append(cells)
                recovered += 1
                continue
        out.append(item)
    return out, recovered


def _restore_from_doc(items: list, original: bytes) -> tuple[list, list[str]]:
    """Paragraphs that the .doc's own text shows to be a table's cells run together become that table again."""
    from .readers_doc_text import TableFinder, doc_text

    try:
        text = doc_text(original)
    except (ValueError, struct.error, IndexError, UnicodeError) as exc:
        return items, [f"the tables of the converted .doc could not be checked against its own text ({exc})"]
    if "\x07" not in text:
        return items, []
    finder, out, restored = TableFinder(text), [], 0
    for item in items:
        rows = finder.rows(item.text) if isinstance(item, _Para) and len(item.text.strip()) >= 10 else None
        if rows:
            out.append(_Tbl(rows))
            restored += 1
        else:
            out.append(item)
    note = [f"{restored} table(s) flattened into a paragraph by the conversion restored from the .doc's own text"]
    return out, note if restored else []


# -- automatic numbering --------------------------------------------------------------------------------


@dataclass
class _Level:
    start: int
    fmt: str
    text: str
    legal: bool


class _Numbering:
    """The numbering definitions of a document and the running counters of each list."""

    def __init__(self, document) -> None:
        self.levels: dict[str, dict[int, _Level]] = {}
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.style_numbering: dict[str, tuple[str, int]] = {}
        root = _related_element(document.part, "numbering")
        if root is not None:
            self._read_definitions(root)
        styles = _related_element(document.part, "styles")
        if styles is not None:
            self._read_styles(styles)

    def _read_definitions(self, root) -> None:
        for abstract in root.iterchildren(q("abstractNum")):
            levels = {}
            for lvl in abstract.iterchildren(q("lvl")):
                levels[_int(_attr(lvl, "ilvl"), 0)] = _Level(
                    start=_int(_attr(lvl.find(q("start")), "val"), 1),
                    fmt=_attr(lvl.find(q("numFmt")), "val") or "decimal",
                    text=_attr(lvl.find(q("lvlText")), "val") or "",
                    legal=lvl.find(q("isLgl")) is not None)
            self.levels[_attr(abstract, "abstractNumId") or ""] = levels
        for num in root.iterchildren(q("num")):
            overrides = {}
            for override in num.iterchildren(q("lvlOverride")):
                start = override.find(q("startOverride"))
                if start is not None:
                    overrides[_int(_attr(override, "ilvl"), 0)] = _int(_attr(start, "val"), 1)
            self.nums[_attr(num, "numId") or ""] = (_attr(num.find(q("abstractNumId")), "val") or "", overrides)

    def _read_styles(self, root) -> None:
        own: dict[str, tuple[str | None, int | None, str | None]] = {}
        for style in root.iterchildren(q("style")):
            numpr = style.find(f"{q('pPr')}/{q('numPr')}")
            num_id = _attr(numpr.find(q("numId")), "val") if numpr is not None else None
            ilvl = _int(_attr(numpr.find(q("ilvl")), "val"), 0) if numpr is not None else None
            own[_attr(style, "styleId") or ""] = (num_id, ilvl, _attr(style.find(q("basedOn")), "val"))
        for style_id in own:
            seen, current = set(), style_id
            while current in own and current not in seen:
                seen.add(current)
                num_id, ilvl, based = own[current]
                if num_id is not None:
                    self.style_numbering[style_id] = (num_id, ilvl or 0)
                    break
                current = based

    def label(self, p) -> str | None:
        """The number Word shows before paragraph ``p`` (and count it), or None."""
        num_id, ilvl = self._numpr(p)
        if not num_id or num_id == "0" or num_id not in self.nums:
            return None
        abstract_id, overrides = self.nums[num_id]
        levels = self.levels.get(abstract_id, {})
        if ilvl not in levels:
            return None
        counters = self.counters.setdefault(num_id, {})
        start = overrides.get(ilvl, levels[ilvl].start)
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else start
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        return _render(levels, ilvl, counters, overrides)

    def _numpr(self, p) -> tuple[str | None, int]:
        ppr = p.find(q("pPr"))
        numpr = ppr.find(q("numPr")) if ppr is not None else None
        if numpr is not None and numpr.find(q("numId")) is not None:
            return _attr(numpr.find(q("numId")), "val"), _int(_attr(numpr.find(q("ilvl")), "val"), 0)
        style = _attr(ppr.find(q("pStyle")), "val") if ppr is not None else None
        if style and style in self.style_numbering:
            num_id, ilvl = self.style_numbering[style]
            if numpr is not None and numpr.find(q("ilvl")) is not None:
                ilvl = _int(_attr(numpr.find(q("ilvl")), "val"), ilvl)
            return num_id, ilvl
        return None, 0


def _related_element(part, kind: str):
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    try:
        return part.part_related_by(RT.NUMBERING if kind == "numbering" else RT.STYLES).element
    except (KeyError, AttributeError):
        return None


_RUSSIAN = "абвгдежзиклмнопрстуфхцчшщэюя"


def _render(levels: dict[int, _Level], ilvl: int, counters: dict[int, int], overrides: dict[int, int]) -> str:
    level = levels[ilvl]
    if level.fmt == "bullet":
        return "•" if not level.text or any(0xF000 <= ord(c) <= 0xF8FF for c in level.text) else level.text
    if level.fmt == "none":
        return re.sub(r"%\d", "", level.text).strip()

    def value(match: re.Match) -> str:
        k = int(match[1]) - 1
        number = counters.get(k, overrides.get(k, levels[k].start if k in levels else 1))
        fmt = "decimal" if level.legal else (levels[k].fmt if k in levels else "decimal")
        return format_number(number, fmt)

    return re.sub(r"%([1-9])", value, level.text).strip()


def format_number(n: int, fmt: str) -> str:
    """A list counter in one of Word's number formats (unknown formats, and letters past "zz…z"
    thirty times, as decimal)."""
    if n > 26 * 30 and fmt not in ("lowerRoman", "upperRoman"):
        return str(n)
    if fmt in ("lowerLetter", "upperLetter"):
        n = max(n, 1)
        text = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return text.upper() if fmt == "upperLetter" else text
    if fmt in ("russianLower", "russianUpper"):
        n = max(n, 1)
        text = _RUSSIAN[(n - 1) % len(_RUSSIAN)] * ((n - 1) // len(_RUSSIAN) + 1)
        return text.upper() if fmt == "russianUpper" else text
    if fmt in ("lowerRoman", "upperRoman"):
        text = _roman(n)
        return text.lower() if fmt == "lowerRoman" else text
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


def _roman(n: int) -> str:
    if not 0 < n < 4000:
        return str(n)
    out = ""
    for value, digits in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                          (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + digits, n - value
    return out
