"""HTML pages (an act published on a web site, or saved from Word as a web page).

The page is parsed with the standard library's ``html.parser`` into a small tree (with the end
tags HTML lets authors leave out: ``<p>``, ``<li>``, ``<td>``, ``<tr>``), then walked in
order: block elements (``p``, ``div``, ``h1``…, ``li``) are paragraphs, ``<br>`` is a line
break, ``<table>`` is a table whose cells are placed on a grid (``colspan``/``rowspan`` cells
read once, the covered places empty), scripts, styles and the ``<head>`` are dropped. White
space is collapsed as a browser does (except in ``<pre>``); a no-break space is a space; a
paragraph holding only white space is an empty line. Items of ``<ol>`` get their numbers as
the browser shows them. A one-cell table around the page (an old layout device) is read as
the page itself.

The encoding: a byte-order mark, else the ``<meta charset>`` the page declares (when the bytes
really are in it), else the plain-text detection (UTF-8, cp1251, koi8-r…).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from ..errors import IngestError
from .blocks import RawDocument
from .readers_docx import format_number
from .readers_layout import LayoutBuilder
from .readers_text import decode, strip_bom

HTML_MEDIA_TYPE = "text/html"
_SNIFF = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title|table|p|div|h[1-6])\b", re.I | re.S)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-z0-9_\-]+)""", re.I)

BLOCK = frozenset("address article aside blockquote body center dd details div dl dt fieldset figcaption figure footer form "
                  "h1 h2 h3 h4 h5 h6 header hr html li main nav ol p pre section summary ul caption".split())
SKIP = frozenset("script style noscript template head title svg math iframe object select button".split())
VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_TABLE_PARTS = ("thead", "tbody", "tfoot")


def looks_like_html(data: bytes) -> bool:
    """Markup at the start of the file (after a BOM, white space and comments)."""
    body, codec = strip_bom(data[:4096])
    if codec and codec != "utf-8":
        body = body.decode(codec, "ignore").encode("ascii", "ignore")
    return bool(_SNIFF.match(body))


def decode_html(data: bytes, name: str) -> tuple[str, list[str]]:
    """The page's text: BOM, then the declared charset (if the bytes agree), then detection."""
    notes: list[str] = []
    if strip_bom(data)[1] is None and (match := _META_CHARSET.search(data[:4096])):
        declared = match[1].decode("ascii").lower()
        try:
            codec = codecs.lookup(declared).name
            return data.decode(codec), notes
        except LookupError:
            notes.append(f"unknown charset declared in the page: {declared}")
        except UnicodeDecodeError:
            notes.append(f"the page declares {declared} but is not in it: encoding detected instead")
    text, encoding = decode(data, name)
    return text, notes


# -- a tolerant tree ------------------------------------------------------------------------------------


@dataclass
class Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list = field(default_factory=list)


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs) -> None:
        self._imply_end(tag)
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs) -> None:
        self._imply_end(tag)
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for k in range(len(self.stack) - 1, 0, -1):
            if self.stack[k].tag == tag:
                del self.stack[k:]
                return
            if self.stack[k].tag == "table" and tag != "table":
                return  # an end tag does not close anything outside the table it is in

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)

    def _imply_end(self, tag: str) -> None:
        if tag in BLOCK or tag == "table":
            self._close_to("p", stop=("table", "td", "th", "li", "div", "body"))
        if tag == "li":
            self._close_to("li", stop=("ul", "ol", "table"))
        if tag in ("td", "th"):
            self._close_to(("td", "th"), stop=("tr", "table"))
        if tag == "tr":
            self._close_to("tr", stop=("table",) + _TABLE_PARTS)
        if tag in _TABLE_PARTS:
            self._close_to(("tr",) + _TABLE_PARTS, stop=("table",))

    def _close_to(self, tags, stop: tuple[str, ...]) -> None:
        tags = (tags,) if isinstance(tags, str) else tags
        for k in range(len(self.stack) - 1, 0, -1):
            if self.stack[k].tag in tags:
                del self.stack[k:]
                return
            if self.stack[k].tag in stop:
                return


def parse_tree(text: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


# -- walking the tree -----------------------------------------------------------------------------------

_BLANK = object()


class _Walker:
    """Turns the tree into items: paragraph texts, empty lines (``_BLANK``) and tables (rows)."""

    def __init__(self) -> None:
        self.items: list = []
        self.line: list[str] = []

    def flush(self, pre: bool = False) -> None:
        """End the paragraph being collected (``<br>`` breaks are ``\\n`` in it)."""
        text = "".join(self.line)
        self.line = []
        if pre:
            lines = text.replace("\xa0", " ").split("\n")
        else:  # white space collapses, no-break spaces stay (Word writes runs of them for alignment)
            lines = [re.sub(r"[^\S\xa0]+", " ", part).strip(" ").replace("\xa0", " ") for part in text.split("\n")]
        if any(ln.strip() for ln in lines):
            self.items.append("\n".join(lines).strip("\n"))

    def walk(self, node: Node, pre: bool = False) -> None:
        for child in node.children:
            if isinstance(child, str):
                self.line.append(child if pre else re.sub(r"[^\S\xa0]+", " ", child))
            elif child.tag in SKIP:
                continue
            elif child.tag == "br":
                self.line.append("\n")
            elif child.tag == "table":
                self.table(child)
            elif child.tag in BLOCK:
                self.block(child, pre or child.tag == "pre")
            else:
                self.walk(child, pre)

    def block(self, node: Node, pre: bool) -> None:
        self.flush()
        before = len(self.items)
        if node.tag in ("ol", "ul"):
            self.list_items(node, pre)
        else:
            self.walk(node, pre)
            self.flush(pre)
        if node.tag == "p" and len(self.items) == before:
            self.items.append(_BLANK)

    def list_items(self, node: Node, pre: bool) -> None:
        number = _int(node.attrs.get("start"), 1)
        fmt = {"a": "lowerLetter", "A": "upperLetter", "i": "lowerRoman", "I": "upperRoman"}.get(node.attrs.get("type", ""), "decimal")
        for child in node.children:
            if isinstance(child, Node) and child.tag == "li":
                if node.tag == "ol":
                    number = _int(child.attrs.get("value"), number)
                    self.line.append(f"{format_number(number, fmt)}. ")
                    number += 1
                self.walk(child, pre)
                self.flush(pre)
            elif isinstance(child, Node):
                self.walk(Node("#", children=[child]), pre)
            elif child.strip():
                self.line.append(child)
        self.flush()

    def table(self, node: Node) -> None:
        self.flush()
        grid = _grid(node)
        if len(grid.rows) == 1 and len(grid.rows[0]) == 1:
            self.walk(grid.cells[0])  # a one-cell frame around content
            self.flush()
            return
        for caption in (c for c in node.children if isinstance(c, Node) and c.tag == "caption"):
            self.walk(caption)
            self.flush()
        self.items.append([[_cell_text(cell) if cell is not None else "" for cell in row] for row in grid.rows])


@dataclass
class _Grid:
    rows: list[list[Node | None]]
    cells: list[Node]


def _rows(table: Node) -> list[Node]:
    out = []
    for child in table.children:
        if isinstance(child, Node) and child.tag == "tr":
            out.append(child)
        elif isinstance(child, Node) and child.tag in _TABLE_PARTS:
            out.extend(_rows(child))
    return out


def _grid(table: Node) -> _Grid:
    """Cells placed on the grid: spanned places are ``None``; a row of one cell across stays one cell."""
    rows: list[list[Node | None]] = []
    pending: dict[int, int] = {}  # column → rows still covered by a rowspan from above
    cells: list[Node] = []
    spans: list[list[int]] = []
    trs = _rows(table)
    for index, tr in enumerate(trs):
        row: list[Node | None] = []
        widths: list[int] = []
        tds = [c for c in tr.children if isinstance(c, Node) and c.tag in ("td", "th")]
        for td in tds:
            while pending.get(len(row), 0) > 0:
                pending[len(row)] -= 1
                row.append(None)
            colspan = max(1, min(_int(td.attrs.get("colspan"), 1), 1000))
            rowspan = max(1, min(_int(td.attrs.get("rowspan"), 1), len(trs) - index))  # not past the table
            for k in range(colspan):
                if rowspan > 1:
                    pending[len(row) + k] = rowspan - 1
            row.append(td)
            row.extend([None] * (colspan - 1))
            widths.append(colspan)
            cells.append(td)
        while pending.get(len(row), 0) > 0:
            pending[len(row)] -= 1
            row.append(None)
        for k in [k for k, v in pending.items() if k > len(row) and v > 0]:  # covered beyond this row's end
            pending[k] -= 1
        rows.append(row)
        spans.append(widths)
    width = max((len(r) for r in rows), default=0)
    for k, row in enumerate(rows):
        real = [c for c in row if c is not None]
        if len(real) == 1 and row[0] is real[0] and spans[k] and spans[k][0] >= max(width, 2):
            rows[k] = [real[0]]
    return _Grid(rows, cells)


def _cell_text(cell: Node) -> str:
    walker = _Walker()
    walker.walk(cell)
    walker.flush()
    parts = []
    for item in walker.items:
        if isinstance(item, list):
            parts.append("\n".join(" ".join(c for c in r if c) for r in item))
        elif item is not _BLANK:
            parts.append(item)
    return "\n".join(parts)


def _int(value: str | None, default: int) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return default


def read_html(data: bytes, name: str) -> RawDocument:
    """Read an HTML page into the block model."""
    text, notes = decode_html(data, name)
    walker = _Walker()
    try:
        walker.walk(parse_tree(text))
    except RecursionError:
        raise IngestError(f"{name}: the HTML nests elements too deeply to be read", file=name) from None
    walker.flush()
    builder = LayoutBuilder()
    for item in walker.items:
        if item is _BLANK:
            builder.blank()
        elif isinstance(item, list):
            builder.table(item)
        else:
            builder.paragraph(item)
    return builder.build(name, HTML_MEDIA_TYPE, notes)
