"""Fuzzing the whole pipeline (issue 6): mutated sample acts, mutated .docx/.pdf/.html and random
bytes through ``ingest_act`` raise nothing but the project's own errors, and no input keeps it
busy past the per-file time limit. Bounded for CI: a fixed number of derandomised examples."""

from __future__ import annotations

import io
import struct
import time
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shnor_kg.errors import ShnorError
from shnor_kg.ingest.pipeline import ingest_act

from . import fixtures_formats as fx
from .conftest import KOSTROMA, TULA

LIMIT = 3.0  # per-file time limit used here (seconds)
SLACK = 3.0  # what may pass after the limit before the watchdog's exception lands
SAMPLES = (TULA.read_bytes(), KOSTROMA.read_bytes())
FUZZ = settings(deadline=None, derandomize=True, database=None, print_blob=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])


def survives(data: bytes, name: str = "fuzz.bin") -> None:
    """Ingest ``data``: a result or a ShnorError, within the time limit (anything else fails the test)."""
    start = time.monotonic()
    try:
        result = ingest_act(data, name, time_limit=LIMIT)
    except ShnorError as exc:
        assert exc.message.startswith(f"{name}: "), exc.message  # the message names the file
    else:
        assert result.doc_id and len(result.document) > 0
    elapsed = time.monotonic() - start
    assert elapsed < LIMIT + SLACK, f"{elapsed:.1f} s for {len(data)} bytes"


@st.composite
def mutated(draw, samples=SAMPLES):
    """A sample with a few random edits: bytes changed, cut, repeated, inserted, layout characters stuffed in."""
    data = bytearray(draw(st.sampled_from(samples)))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, max(0, len(data) - 1)))
        op = draw(st.sampled_from(["set", "cut", "repeat", "insert", "layout", "truncate"]))
        if op == "set":
            data[at:at + 1] = bytes([draw(st.integers(0, 255))])
        elif op == "cut":
            del data[at:at + draw(st.integers(1, 4000))]
        elif op == "repeat":
            piece = data[at:at + draw(st.integers(1, 2000))]
            data[at:at] = piece * draw(st.integers(1, 20))
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
        elif op == "layout":
            data[at:at] = draw(st.sampled_from([b"\t", b"\n", b"\r\n", b"\t\t\t", "«".encode(), "№".encode(), b"_" * 30, b" " * 50])) * draw(st.integers(1, 200))
        else:
            del data[draw(st.integers(1, max(1, len(data)))):]
    return bytes(data)


@settings(FUZZ, max_examples=25)
@given(mutated())
def test_mutated_act_bytes(data):
    survives(data)


TEXTS = tuple(sample.decode("utf-8").split("\n") for sample in SAMPLES)
LINE_TEXT = st.text(alphabet=st.sampled_from(list("абвгдежзийклмнопрстуфхцчшщьыэюяАБВГДЕМОПРСТУШ0123456789 .,;:-–«»№()/\t_")), max_size=120)


@st.composite
def edited_text(draw):
    """A sample edited line by line, always valid text: lines cut, repeated, swapped, split, joined,
    written anew — so that the whole pipeline (structure, facts, RDF) runs on it."""
    lines = list(draw(st.sampled_from(TEXTS)))
    for _ in range(draw(st.integers(1, 10))):
        at = draw(st.integers(0, len(lines) - 1)) if lines else 0
        op = draw(st.sampled_from(["cut", "repeat", "swap", "split", "join", "new", "edit"]))
        if op == "cut":
            del lines[at:at + draw(st.integers(1, 30))]
        elif op == "repeat":
            lines[at:at] = lines[at:at + draw(st.integers(1, 10))] * draw(st.integers(1, 5))
        elif op == "swap" and lines:
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        elif op == "split" and lines:
            cut = draw(st.integers(0, len(lines[at])))
            lines[at:at + 1] = [lines[at][:cut], lines[at][cut:]]
        elif op == "join" and at + 1 < len(lines):
            lines[at:at + 2] = [lines[at] + draw(st.sampled_from(["", " ", "\t"])) + lines[at + 1]]
        elif op == "new":
            lines.insert(at, draw(LINE_TEXT))
        elif lines:
            line = lines[at]
            cut = draw(st.integers(0, len(line)))
            lines[at] = line[:cut] + draw(LINE_TEXT) + line[cut + draw(st.integers(0, 20)):]
    return "\n".join(lines).encode(draw(st.sampled_from(["utf-8", "cp1251"])), "replace")


@settings(FUZZ, max_examples=50)
@given(edited_text())
def test_edited_acts(data):
    survives(data)


@settings(FUZZ, max_examples=120)
@given(st.one_of(st.binary(max_size=4096), st.binary(max_size=64).map(lambda b: b"PK\x03\x04" + b),
                 st.binary(max_size=512).map(lambda b: b"%PDF-1.4\n" + b),
                 st.text(max_size=2000).map(lambda t: t.encode("utf-8")), st.text(max_size=500).map(lambda t: t.encode("utf-16"))))
def test_random_bytes_and_random_text(data):
    survives(data)


@st.composite
def markup(draw):
    """Tag soup: random HTML elements, attributes and text."""
    tags = st.sampled_from(["p", "div", "table", "tr", "td", "th", "br", "ol", "li", "span", "script", "pre", "b"])
    parts = ["<html><body>"]
    for _ in range(draw(st.integers(1, 60))):
        tag = draw(tags)
        attrs = draw(st.sampled_from(["", ' colspan="3"', ' rowspan="1000000"', " rowspan=-2", ' colspan="x"', ' start="7"']))
        parts.append(draw(st.sampled_from([f"<{tag}{attrs}>", f"</{tag}>", draw(st.text(max_size=30)), "&nbsp;", "&#0;", "&bogus;"])))
    return "".join(parts).encode("utf-8", "replace")


@settings(FUZZ, max_examples=60)
@given(markup())
def test_tag_soup(data):
    survives(data)


@pytest.fixture(scope="module")
def containers(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    made = {"docx": fx.write_docx(TULA, folder / "t.docx").read_bytes()}
    if fx.FONT.is_file():
        made["pdf"] = fx.write_pdf(KOSTROMA, folder / "k.pdf").read_bytes()
    return made


def test_mutated_docx_and_pdf(containers):
    """Byte edits inside real .docx and .pdf files (a fixed, seeded set: the pdf path is slow)."""
    import random

    rng = random.Random(6)
    for kind, data in containers.items():
        for _ in range(12 if kind == "docx" else 6):
            edited = bytearray(data)
            for _ in range(rng.randint(1, 5)):
                at = rng.randrange(len(edited))
                edited[at:at + rng.randint(1, 40)] = rng.randbytes(rng.randint(0, 40))
            survives(bytes(edited), f"mutated.{kind}")


PATHOLOGICAL = {
    "1 MB of tabs": b"\t" * 1_000_000 + b"x",
    "300k lines of one tab cell": b"\tx\n" * 300_000,
    "one 5 MB line of words": ("слово " * 800_000).encode(),
    "one 5 MB word": ("я" * 2_500_000).encode(),
    "5 MB of spaces inside a line": b"a" + b" " * 5_000_000 + b"b",
    "20k signature blanks": ("_" * 100 + " И.И. Иванов\n").encode() * 20_000,
    "100k nested divs": b"<html><body>" + b"<div>" * 100_000 + b"x",
    "a 100k-column html table": b"<table><tr>" + b"<td>1" * 100_000 + b"</table>",
    "rowspan of a million": b"<table>" + b"<tr><td rowspan=1000000>x<td>y" * 1000 + b"</table>",
    "1 MB of numbered clauses": ("ПРИКАЗЫВАЮ\n" + "".join(f"{k}. Пункт\n" for k in range(1, 60000))).encode(),
}


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_pathological_inputs_end_within_the_time_limit(name):
    survives(PATHOLOGICAL[name], "pathological.bin")


def test_garbage_handed_to_libreoffice():
    """RTF and Word 97 garbage goes to LibreOffice (when installed): a clear error or what it could read."""
    for data in (b"{\\rtf1\\ansi " + bytes(range(256)) * 4 + b"}", b"{\\rtf1" + b"{" * 5000,
                 b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "WordDocument".encode("utf-16-le") + bytes(range(256)) * 16):
        survives(data, "garbage.doc")


def test_a_zip_that_claims_to_unpack_to_gigabytes_is_refused_unread():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<w:document/>")
    data = bytearray(out.getvalue())
    central = data.rindex(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, 0xFFFFFFF0)  # uncompressed size in the central directory
    with pytest.raises(ShnorError, match=r"^bomb\.docx: the archive unpacks to 4294967280 bytes"):
        ingest_act(bytes(data), "bomb.docx")
