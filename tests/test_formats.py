"""The same act in every format gives the same facts (issue 6).

Fixtures are generated from the sample acts by ``tests/fixtures_formats.py`` (python-docx,
fpdf2, LibreOffice, re-encoding) once per session; each is ingested once and its contract facts
(every statement except spans, line numbers, the stored text and the source record) are compared
with those of the .txt. The reader is chosen by content: every fixture is ingested under a
neutral name ending in ``.bin``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from shnor_kg.ingest.blocks import Table
from shnor_kg.ingest.pipeline import ingest_act

from . import fixtures_formats as fx
from .conftest import KOSTROMA, TULA

ACTS = {"tula": TULA, "kostroma": KOSTROMA}
GENERATED = ("docx", "pdf", "html", "cp1251", "koi8-r", "utf-16", "utf-8-bom", "crlf", "cp1251-crlf")
MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf", "html": "text/html", "doc": "application/msword",
    "odt": "application/vnd.oasis.opendocument.text", "rtf": "application/rtf", "lo-pdf": "application/pdf",
}


class Formats:
    """Fixture files and their ingest results, made on first use and kept for the session."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files: dict[tuple[str, str], Path] = {}
        self.results: dict[tuple[str, str], object] = {}
        self.profile = folder / "lo-profile"

    def file(self, act: str, kind: str) -> Path:
        if (act, kind) not in self.files:
            self.files[(act, kind)] = self._make(act, kind)
        return self.files[(act, kind)]

    def _make(self, act: str, kind: str) -> Path:
        source, target = ACTS[act], self.folder / f"{act}.{kind}.bin"
        if kind == "docx":
            return fx.write_docx(source, target)
        if kind == "pdf":
            if not fx.FONT.is_file():
                pytest.skip(f"the PDF fixture needs the DejaVu font ({fx.FONT}; Debian fonts-dejavu-core)")
            return fx.write_pdf(source, target)
        if kind == "html":  # Kostroma as a cp1251 page (the charset declared in <meta>), Tula in UTF-8
            return fx.write_html(source, target, encoding="cp1251" if act == "kostroma" else "utf-8")
        if kind in fx.ENCODINGS:
            return fx.write_encoded(source, target, kind)
        return self._libreoffice(act, kind)

    def _libreoffice(self, act: str, kind: str) -> Path:
        """Both acts' .docx converted in one LibreOffice run (one start-up per target format)."""
        if fx.soffice() is None:
            pytest.skip("LibreOffice (soffice) is not installed: .doc/.odt/.rtf fixtures cannot be made")
        target_format = {"lo-pdf": "pdf"}.get(kind, kind)
        sources = []
        for name in ACTS:
            docx = self.file(name, "docx")
            plain = self.folder / "docx" / f"{name}.docx"  # LibreOffice wants a real suffix
            plain.parent.mkdir(exist_ok=True)
            plain.write_bytes(docx.read_bytes())
            sources.append(plain)
        converted = fx.libreoffice_convert(sources, target_format, self.folder / kind, self.profile)
        for name, path in zip(ACTS, converted):
            self.files[(name, kind)] = path.rename(self.folder / f"{name}.{kind}.bin")
        return self.files[(act, kind)]

    def ingested(self, act: str, kind: str):
        if (act, kind) not in self.results:
            if kind == "koi8-txt":  # the UTF-8 reference of the koi8-r fixture (same stand-ins)
                self.results[(act, kind)] = ingest_act(fx.source_text(ACTS[act], koi8=True).encode(), ACTS[act].name)
            else:
                path = ACTS[act] if kind == "txt" else self.file(act, kind)
                self.results[(act, kind)] = ingest_act(path.read_bytes(), path.name)
        return self.results[(act, kind)]


@pytest.fixture(scope="session")
def formats(tmp_path_factory) -> Formats:
    return Formats(tmp_path_factory.mktemp("formats"))


def _assert_same_facts(formats: Formats, act: str, kind: str) -> None:
    reference = fx.contract_facts(formats.ingested(act, "koi8-txt" if kind == "koi8-r" else "txt"))
    result = formats.ingested(act, kind)
    facts = fx.contract_facts(result)
    assert facts == reference, f"{act} as {kind}: " + fx.describe_difference(reference, facts)


@pytest.mark.parametrize("kind", GENERATED)
@pytest.mark.parametrize("act", sorted(ACTS))
def test_every_format_gives_the_facts_of_the_txt(formats, act, kind):
    _assert_same_facts(formats, act, kind)
    result = formats.ingested(act, kind)
    assert result.media_type == MEDIA_TYPES.get(kind, "text/plain")
    assert result.doc_id == formats.ingested(act, "koi8-txt" if kind == "koi8-r" else "txt").doc_id


@pytest.mark.parametrize("kind", ["doc", "odt", "rtf", "lo-pdf"])
@pytest.mark.parametrize("act", sorted(ACTS))
def test_libreoffice_formats_give_the_facts_of_the_txt(formats, act, kind):
    _assert_same_facts(formats, act, kind)
    assert formats.ingested(act, kind).media_type == MEDIA_TYPES[kind]


def test_facts_compared_are_the_act_s_content(formats):
    """The comparison is not vacuous: the facts hold the items, organisations, people and links."""
    facts = fx.contract_facts(formats.ingested("tula", "docx"))
    predicates = {p.rsplit("#", 1)[-1].rsplit("/", 1)[-1] for _, p, _ in facts}
    assert {"deadlineText", "responsible", "mentors", "targetSchool", "member", "prefLabel", "name"} <= predicates
    numbers = {o for s, p, o in facts if p.endswith("#number") and "/plan/item/" in s}
    assert "literal:@|1.10" in numbers and "literal:@|7.6" in numbers
    assert len([1 for s, p, _ in facts if p.endswith("#position")]) == 67


def test_the_tula_doc_tables_survive_the_conversion(formats):
    """LibreOffice flattens the last table of this .doc into one paragraph; the .doc's own text restores it."""
    result = formats.ingested("tula", "doc")
    tables = [b for b in result.raw.blocks if isinstance(b, Table)]
    assert [len(t.rows) for t in tables] == [75, 2, 2]
    assert [c.text for c in tables[-1].rows[1].cells] == [
        "1", "Муниципальное бюджетное общеобразовательное учреждение «Центр образования № 42»", "Кубанова Елена Николаевна"]
    assert any("restored from the .doc's own text" in n for n in result.notes)


def test_docx_merged_cells_are_read_once(formats):
    """Kostroma 5.1.1–5.1.4 are vertical merges with 5.1 in the .docx: the text stays in 5.1's row."""
    result = formats.ingested("kostroma", "docx")
    (plan,) = [b for b in result.raw.blocks if isinstance(b, Table)]
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in plan.rows}
    assert rows["5.1."][2].startswith("Управление образования Комитета")
    assert rows["5.1.1."][2:] == ["", "", ""]
    sections = [r for r in plan.rows if len(r.cells) == 1]  # a heading merged across the table
    assert [s.cells[0].text for s in sections][:2] == ["1. Нормативно-правовое, программное обеспечение", "2. Создание современной инфраструктуры"]
    assert any("vertically merged" in n for n in result.notes)


def test_every_reader_keeps_offsets_into_its_text(formats):
    for act in ACTS:
        for kind in ("docx", "pdf", "html", "utf-16", "crlf"):
            raw = formats.ingested(act, kind).raw
            assert "\r" not in raw.text and "\ufeff" not in raw.text
            for block in raw.blocks:
                pieces = [c for r in block.rows for c in r.cells] if isinstance(block, Table) else [block]
                for piece in pieces:
                    assert raw.text[piece.start:piece.end] == piece.text, (act, kind, piece)


def test_encodings_are_told_from_the_content(formats):
    notes = {kind: formats.ingested("tula", kind).notes for kind in ("cp1251", "koi8-r", "utf-16", "crlf")}
    assert "text read as cp1251" in notes["cp1251"]
    assert "text read as koi8_r" in notes["koi8-r"]
    assert "text read as utf-16" in notes["utf-16"]
    assert not any(n.startswith("text read as") for n in notes["crlf"])
