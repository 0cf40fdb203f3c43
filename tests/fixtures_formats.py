"""Test fixtures in other formats, generated from the sample acts (never stored in the repository).

Each sample act (.txt) is read into the block model by the plain-text reader and parsed; from
its paragraphs, empty lines and tables the generators write:

* ``.docx`` with python-docx: paragraphs (empty lines as empty paragraphs), the operative
  clauses as an automatically numbered list (Word's "List Number" style: the numbers are not in
  the text, the reader has to render them), every table as a real Word table ("Table Grid"
  borders, the header row repeated on each page); a row of one cell in a wider table (a section
  heading) spans the whole row; a section row whose other cells are empty spans its title cell
  over them; the empty cells of sub-items (5.1.1 under 5.1) are vertical merges with the
  cells of their parent item — as the Kostroma original evidently had;
* ``.pdf`` with fpdf2 and DejaVu Sans: the same paragraphs and ruled tables (same merges),
  page numbers in the footer, header rows repeated on each page;
* ``.html``: ``<p>``, ``<p>&nbsp;</p>`` for empty lines, ``<table>`` with ``colspan`` and
  ``rowspan``, a ``<script>`` and a ``<style>`` that must not be read;
* plain text re-encoded: cp1251, koi8-r, UTF-16 with a BOM, UTF-8 with a BOM, CRLF line ends.
  koi8-r has no « » – — №: the koi8-r fixture is the act with the ASCII stand-ins a koi8-r
  author types (" - N), compared with the same substituted text in UTF-8.

LibreOffice (when installed) converts the .docx to .pdf, .doc, .odt and .rtf in
``libreoffice_convert``.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from shnor_kg.ingest.blocks import Paragraph, RawDocument, Table
from shnor_kg.ingest.readers import read
from shnor_kg.ingest.structure import parse_act

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
FONT_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
KOI8_STAND_INS = str.maketrans({"«": '"', "»": '"', "–": "-", "—": "-", "№": "N"})


# -- the act as a sequence of layout items ---------------------------------------------------------------


@dataclass
class Line:
    """A paragraph line of the act (``clause``: an operative clause whose number Word will render)."""

    text: str
    clause: bool = False


@dataclass
class Grid:
    """A table: rows of cell texts plus merges. ``spans[(r, c)] = (rows, cols)`` for a merged cell."""

    rows: list[list[str]]
    width: int
    spans: dict[tuple[int, int], tuple[int, int]]

    def covered(self) -> set[tuple[int, int]]:
        """Grid places covered by a merged cell (not its own place)."""
        out = set()
        for (r, c), (rows, cols) in self.spans.items():
            out.update((r + i, c + j) for i in range(rows) for j in range(cols) if (i, j) != (0, 0))
        return out


BLANK = None


def layout(path: Path) -> list:
    """The act as items: ``Line``, ``BLANK`` (an empty line) and ``Grid`` (a table), in order."""
    raw = read(path.read_bytes(), path.name)
    act = parse_act(raw)
    clause_starts = _clause_starts(act)
    items: list = []
    previous_end = 0
    for block in raw.blocks:
        items.extend([BLANK] * _blank_lines(raw, previous_end, block.start))
        if isinstance(block, Paragraph):
            items.append(Line(block.text, block.start in clause_starts))
        else:
            items.append(_grid(block))
        previous_end = block.end
    return items


def _clause_starts(act) -> set[int]:
    """Starts of the clauses numbered 1, 2, 3… in order (only then can Word's numbering stand in)."""
    numbers = [c.number for c in act.clauses]
    if numbers != [str(k) for k in range(1, len(numbers) + 1)]:
        return set()
    return {c.span.start for c in act.clauses}


def _blank_lines(raw: RawDocument, start: int, end: int) -> int:
    lines = raw.text[start:end].split("\n")[1:-1]
    return sum(1 for ln in lines if not ln.strip())


def _grid(table: Table) -> Grid:
    width = table.width
    rows = [[c.text for c in row.cells] + [""] * (width - len(row.cells)) for row in table.rows]
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    for r, row in enumerate(table.rows):
        texts = [c.text for c in row.cells]
        if len(texts) == 1 and width > 1:
            spans[(r, 0)] = (1, width)  # a heading across the table
        elif r > 0 and len(texts) == width and texts[1] and not any(texts[2:]) and re.fullmatch(r"\d+\.?", texts[0].strip()):
            spans[(r, 1)] = (1, width - 1)  # a section row: its title over the empty cells
    _sub_item_merges(rows, spans)
    return Grid(rows, width, spans)


def _sub_item_merges(rows: list[list[str]], spans: dict) -> None:
    """Empty cells of sub-items (5.1.1, 5.1.2 … under 5.1) merged vertically with the parent's."""
    r = 1
    while r < len(rows):
        number = rows[r][0].strip().rstrip(".")
        k = r + 1
        while k < len(rows) and rows[k][0].strip().rstrip(".").startswith(number + ".") and number:
            k += 1
        if k - r > 1:
            for c in range(2, len(rows[r])):
                if rows[r][c].strip() and all(not rows[j][c].strip() for j in range(r + 1, k)):
                    spans[(r, c)] = (k - r, 1)
        r += 1


def source_text(path: Path, *, koi8: bool = False) -> str:
    text = path.read_text("utf-8")
    return text.translate(KOI8_STAND_INS) if koi8 else text


# -- .docx (python-docx) ----------------------------------------------------------------------------------


def write_docx(path: Path, target: Path) -> Path:
    """A Word document with real tables and automatic clause numbers (see the module docstring)."""
    import docx
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.name = "DejaVu Sans"
    normal.font.size = Pt(10)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)
    for item in layout(path):
        if item is BLANK:
            document.add_paragraph("")
        elif isinstance(item, Line):
            if item.clause:
                document.add_paragraph(re.sub(r"^\d+\.\s*", "", item.text), style="List Number")
            else:
                document.add_paragraph(item.text)
        else:
            _docx_table(document, item, OxmlElement, qn)
            document.tables[-1].alignment = WD_TABLE_ALIGNMENT.CENTER
    document.save(target)
    return target


def _docx_table(document, grid: Grid, OxmlElement, qn) -> None:  # noqa: N803 - python-docx factory names
    table = document.add_table(rows=len(grid.rows), cols=grid.width)
    table.style = "Table Grid"
    header = table.rows[0]._tr.get_or_add_trPr()
    header.append(OxmlElement("w:tblHeader"))
    covered = grid.covered()
    for r, row in enumerate(grid.rows):
        for c, text in enumerate(row):
            if (r, c) in covered:
                continue
            _set_cell(table.cell(r, c), text)
    for (r, c), (rows, cols) in grid.spans.items():
        table.cell(r, c).merge(table.cell(r + rows - 1, c + cols - 1))


def _set_cell(cell, text: str) -> None:
    lines = text.split("\n")
    cell.paragraphs[0].text = lines[0]
    for line in lines[1:]:
        cell.add_paragraph(line)


# -- .pdf (fpdf2) -----------------------------------------------------------------------------------------


def write_pdf(path: Path, target: Path) -> Path:
    """A PDF with a text layer: paragraphs, ruled tables, page numbers (DejaVu Sans)."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    class Pdf(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("DejaVu", size=8)
            self.cell(0, 5, f"- {self.page_no()} -", align="C")

    pdf = Pdf(format="A4")
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.add_font("DejaVu", "B", str(FONT_BOLD))
    pdf.set_font("DejaVu", size=10)
    pdf.set_margins(20, 15, 15)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()
    number = 0
    for item in layout(path):
        if item is BLANK:
            pdf.ln(5)
        elif isinstance(item, Line):
            text = item.text
            if item.clause:
                number += 1
                text = f"{number}. " + re.sub(r"^\d+\.\s*", "", text)
            _pdf_paragraph(pdf, text)
        else:
            _pdf_table(pdf, item, FontFace)
    pdf.output(str(target))
    return target


def _pdf_paragraph(pdf, text: str) -> None:
    """A paragraph; "post     Name" (a run of spaces) as the post on the left and the name on the right."""
    match = re.fullmatch(r"(.*\S)\s{3,}(\S.*)", text)
    if match and pdf.get_string_width(match[1]) + pdf.get_string_width(match[2]) + 20 < pdf.epw:
        y = pdf.get_y()
        pdf.multi_cell(pdf.epw / 2, 5, match[1], align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.set_xy(pdf.l_margin, y)
        pdf.multi_cell(0, 5, match[2], align="R", new_x="LMARGIN", new_y="NEXT")
        return
    pdf.multi_cell(0, 5, text, align="L", new_x="LMARGIN", new_y="NEXT")


def _pdf_table(pdf, grid: Grid, FontFace) -> None:  # noqa: N803 - fpdf2's class
    widths = _column_widths(pdf, grid)
    covered = grid.covered()
    pdf.set_font("DejaVu", size=9)
    with pdf.table(col_widths=widths, text_align="LEFT", line_height=4.2, padding=1.2, repeat_headings=1,
                   headings_style=FontFace(emphasis="BOLD"), v_align="TOP") as table:
        for r, cells in enumerate(grid.rows):
            row = table.row()
            for c, text in enumerate(cells):
                if (r, c) in covered:
                    continue
                rows, cols = grid.spans.get((r, c), (1, 1))
                row.cell(text, colspan=cols, rowspan=rows)
    pdf.set_font("DejaVu", size=10)
    pdf.ln(2)


def _column_widths(pdf, grid: Grid) -> tuple[float, ...]:
    """Each column at least as wide as its longest word (bold, for the header), the rest of the
    page shared by the mean length of the columns' texts."""
    floors, means = [], []
    for c in range(grid.width):
        texts = [r[c] for k, r in enumerate(grid.rows) if r[c].strip() and grid.spans.get((k, c), (1, 1))[1] == 1]
        words = [w for t in texts for w in t.split()] or ["0"]
        pdf.set_font("DejaVu", "B", 9)
        floors.append(max(pdf.get_string_width(w) for w in words) + 3)
        pdf.set_font("DejaVu", "", 10)
        means.append(sum(map(len, texts[1:])) / max(1, len(texts) - 1))
    floors = [f * min(1.0, pdf.epw / sum(floors)) for f in floors]
    spare = max(0.0, pdf.epw - sum(floors))
    return tuple(f + spare * m / (sum(means) or 1) for f, m in zip(floors, means))


# -- .html ---------------------------------------------------------------------------------------------------


def write_html(path: Path, target: Path, *, encoding: str = "utf-8") -> Path:
    """An HTML page: paragraphs, empty paragraphs, tables with colspan/rowspan, a script and a style."""
    charset = {"utf-8": "utf-8", "cp1251": "windows-1251"}[encoding]
    out = [f'<!DOCTYPE html>\n<html lang="ru"><head><meta charset="{charset}"><title>Приказ</title>',
           "<style>td { border: 1px solid #000 } p.x:before { content: 'ПРИКАЗЫВАЮ' }</style>",
           "<script>var s = '<p>ПРИКАЗЫВАЮ</p><table><tr><td>1</td></tr></table>';</script></head>\n<body>"]
    for item in layout(path):
        if item is BLANK:
            out.append("<p>&nbsp;</p>")
        elif isinstance(item, Line):
            out.append(f"<p>{_html_text(item.text)}</p>")
        else:
            out.append(_html_table(item))
    out.append("</body></html>\n")
    target.write_bytes("\n".join(out).encode(encoding))
    return target


def _html_text(text: str) -> str:
    """Escaped text; a run of spaces as Word writes it in HTML (a space, then no-break spaces)."""
    return re.sub(r"  +", lambda m: " " + "&nbsp;" * (len(m[0]) - 1), html.escape(text, quote=False))


def _html_table(grid: Grid) -> str:
    covered = grid.covered()
    rows = []
    for r, cells in enumerate(grid.rows):
        tds = []
        for c, text in enumerate(cells):
            if (r, c) in covered:
                continue
            rows_, cols = grid.spans.get((r, c), (1, 1))
            attrs = (f' colspan="{cols}"' if cols > 1 else "") + (f' rowspan="{rows_}"' if rows_ > 1 else "")
            tag = "th" if r == 0 else "td"
            body = "<br>\n".join(_html_text(line) for line in text.split("\n"))
            tds.append(f"<{tag}{attrs}>{body}</{tag}>")
        rows.append("  <tr>" + "".join(tds) + "</tr>")
    return '<table border="1" cellspacing="0">\n<tbody>\n' + "\n".join(rows) + "\n</tbody>\n</table>"


# -- plain text in other encodings -------------------------------------------------------------------------

ENCODINGS = {
    "cp1251": lambda text: text.encode("cp1251"),
    "koi8-r": lambda text: text.encode("koi8_r"),
    "utf-16": lambda text: text.encode("utf-16"),  # with a BOM (little-endian here)
    "utf-8-bom": lambda text: text.encode("utf-8-sig"),
    "crlf": lambda text: text.replace("\n", "\r\n").encode("utf-8"),
    "cp1251-crlf": lambda text: text.replace("\n", "\r\n").encode("cp1251"),
}


def write_encoded(path: Path, target: Path, encoding: str) -> Path:
    target.write_bytes(ENCODINGS[encoding](source_text(path, koi8=encoding == "koi8-r")))
    return target


# -- LibreOffice -------------------------------------------------------------------------------------------


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def libreoffice_convert(sources: list[Path], target_format: str, outdir: Path, profile: Path) -> list[Path]:
    """Convert several files in one LibreOffice run (one start-up); returns the converted files."""
    outdir.mkdir(parents=True, exist_ok=True)
    command = [soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--nolockcheck",
               "--convert-to", target_format, "--outdir", str(outdir), *map(str, sources)]
    subprocess.run(command, check=True, capture_output=True, timeout=300, cwd=outdir)
    suffix = "." + target_format.split(":")[0]
    out = [outdir / (s.stem + suffix) for s in sources]
    missing = [p for p in out if not p.is_file()]
    assert not missing, f"LibreOffice did not write {missing}"
    return out


# -- the contract facts of an ingested act ------------------------------------------------------------------

#: Provenance that depends on the file's bytes or layout, not on what the act says.
LAYOUT_PREDICATES = frozenset({
    "https://w3id.org/shnor/ontology#sourceSpan", "https://w3id.org/shnor/ontology#line",
    "https://w3id.org/shnor/ontology#text", "https://w3id.org/shnor/ontology#sha256",
    "http://www.w3.org/ns/oa#start", "http://www.w3.org/ns/oa#end",
    "http://purl.org/dc/terms/format", "http://www.w3.org/ns/prov#wasDerivedFrom",
})


def contract_facts(result) -> set[tuple[str, str, str]]:
    """Every statement of an ingested act (both graphs) except where the source's bytes show:
    spans, line numbers, the stored text, the source document record (its IRI is the file's
    sha256, its title the file name, its format the media type). Literals with white space
    collapsed (a line break in a PDF cell is not a different title)."""
    from rdflib import Literal, RDF
    from shnor_kg.ontology import SHNOR

    graphs = (result.document, result.entities)
    sources = {s for g in graphs for s in g.subjects(RDF.type, SHNOR.SourceDocument)}
    spans = {o for g in graphs for o in g.objects(None, SHNOR.sourceSpan)}
    facts = set()
    for graph in graphs:
        for s, p, o in graph:
            if str(p) in LAYOUT_PREDICATES or s in sources or s in spans or o in sources:
                continue
            value = _canonical_literal(str(o)) if isinstance(o, Literal) else str(o)
            kind = f"literal:{o.datatype or ''}@{o.language or ''}" if isinstance(o, Literal) else "iri"
            facts.add((str(s), str(p), f"{kind}|{value}"))
    return facts


def _canonical_literal(text: str) -> str:
    """White space collapsed; "школ- партнёров" as "школ-партнёров": a hyphen before a space and a
    hyphen before a line break look the same in a PDF, and the PDF reader re-joins the latter."""
    return re.sub(r"(?<=[^\W\d_])- (?=[^\W\d_])", "-", " ".join(text.split()))


def describe_difference(expected: set, actual: set, limit: int = 12) -> str:
    """A readable account of two fact sets' differences (for assertion messages)."""
    missing, extra = sorted(expected - actual), sorted(actual - expected)
    lines = [f"{len(missing)} fact(s) missing, {len(extra)} extra"]
    lines += ["  - " + " ".join(t) for t in missing[:limit]]
    lines += ["  + " + " ".join(t) for t in extra[:limit]]
    return "\n".join(lines)
