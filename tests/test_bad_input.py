"""Bad files get a clear error and lose nothing (issue 6): through the real command line, each bad
input is refused with a message naming the file and the reason, a non-zero exit code, and a
store that exports byte for byte as before. A batch goes on past bad files and sums them up."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from shnor_kg.config import load_config

from . import fixtures_formats as fx
from .conftest import KOSTROMA, TULA

CLI = Path(sys.executable).with_name("shnor-kg")
MAX_UPLOAD = load_config({}, environ={}).max_upload_bytes


class Kg:
    """The command line over one data directory (in-process, like a user's shell)."""

    def __init__(self, data_dir: Path) -> None:
        from shnor_kg.server.cli import main

        self.data_dir, self.main, self.runner = data_dir, main, CliRunner()

    def __call__(self, *args: str):
        return self.runner.invoke(self.main, ["--data-dir", str(self.data_dir), *args], catch_exceptions=False)

    def export(self) -> bytes:
        result = self("export", "--format", "nquads")
        assert result.exit_code == 0, result.output
        return result.stdout_bytes


@pytest.fixture(scope="module")
def kg(tmp_path_factory) -> Kg:
    """A store holding the Tula act (so that an unchanged export means something)."""
    kg = Kg(tmp_path_factory.mktemp("bad-input") / "kg")
    result = kg("ingest", str(TULA))
    assert result.exit_code == 0 and "1 ingested" in result.stdout, result.output
    return kg


def refused(kg: Kg, path: Path, reason: str, *, exit_code: int = 2, shown: str | None = None) -> str:
    """Ingest ``path``: refused with ``<file>: <reason>``, the exit code, the store as before."""
    before = kg.export()
    result = kg("ingest", str(path))
    assert result.exit_code == exit_code, result.output
    assert f"shnor-kg: error: {shown or path}: {reason}" in result.stderr, result.stderr
    assert "Traceback" not in result.output
    assert result.stdout.strip().endswith("0 ingested, 0 replaced, 0 unchanged, 1 failed")
    assert kg.export() == before
    return result.stderr


def test_an_empty_file(kg, tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    refused(kg, path, "empty file", shown="empty.txt")


def test_binary_garbage(kg, tmp_path):
    path = tmp_path / "garbage.doc"
    path.write_bytes(random.Random(6).randbytes(20_000))
    refused(kg, path, "unsupported file format: binary data, not text", shown="garbage.doc")


def test_a_truncated_docx(kg, tmp_path):
    whole = fx.write_docx(KOSTROMA, tmp_path / "whole.docx").read_bytes()
    path = tmp_path / "truncated.docx"
    path.write_bytes(whole[: len(whole) * 2 // 3])
    refused(kg, path, "damaged or truncated ZIP container", shown="truncated.docx")


@pytest.mark.skipif(not fx.FONT.is_file(), reason=f"needs the DejaVu font {fx.FONT} (Debian fonts-dejavu-core)")
def test_a_pdf_without_a_text_layer(kg, tmp_path):
    from fpdf import FPDF
    from PIL import Image, ImageDraw, ImageFont

    page = Image.new("L", (1240, 400), 255)
    draw = ImageDraw.Draw(page)
    for k, line in enumerate(["УПРАВЛЕНИЕ ОБРАЗОВАНИЯ", "ПРИКАЗ", "№ 22/1-осн"]):
        draw.text((60, 40 + 110 * k), line, font=ImageFont.truetype(str(fx.FONT), 60), fill=0)
    pdf = FPDF()
    pdf.add_page()
    pdf.image(page, x=10, y=10, w=190)
    path = tmp_path / "scan.pdf"
    pdf.output(str(path))
    refused(kg, path, "scanned PDF: no text layer; OCR it first", shown="scan.pdf")


def test_a_text_that_is_not_an_act_is_refused_with_the_reason(kg, tmp_path):
    path = tmp_path / "letter.txt"
    path.write_text("Уважаемые коллеги!\n\nНапоминаем, что семинар переносится на четверг.\n\n"
                    "Просим подтвердить участие до пятницы.\n\nС уважением, оргкомитет\n", "cp1251")
    refused(kg, path, "not a municipal act: no header (document type, title) and no plan table found", shown="letter.txt")


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(kg, tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:  # sparse: reading 64 GiB would exhaust memory, so it must not be read
        handle.truncate(64 << 30)
    start = time.monotonic()
    refused(kg, path, f"{64 << 30} bytes is over the limit of {MAX_UPLOAD} bytes", exit_code=1)
    assert time.monotonic() - start < 10
    just_over = tmp_path / "just-over.txt"
    just_over.write_bytes(TULA.read_bytes().ljust(MAX_UPLOAD + 1, b"\n"))
    refused(kg, just_over, f"{MAX_UPLOAD + 1} bytes is over the limit of {MAX_UPLOAD} bytes", exit_code=1)


def test_a_file_at_the_size_limit_is_handled_in_bounded_time(kg, tmp_path, monkeypatch):
    """50 MB of text (the act, then filler lines) at a 3 s per-file limit: done or refused within it."""
    filler = "Строка дополнения без содержания, для размера файла.\n".encode()
    body = TULA.read_bytes() + filler * ((MAX_UPLOAD - TULA.stat().st_size) // len(filler))
    path = tmp_path / "fifty-megabytes.txt"
    path.write_bytes(body.ljust(MAX_UPLOAD, b"\n"))
    assert path.stat().st_size == MAX_UPLOAD
    monkeypatch.setenv("SHNOR_KG_INGEST_TIME_LIMIT", "3")
    before = kg.export()
    start = time.monotonic()
    result = kg("ingest", str(path))
    elapsed = time.monotonic() - start
    assert elapsed < 3 + 12, f"took {elapsed:.1f} s"  # the limit, plus reading and hashing 50 MB
    if result.exit_code != 0:
        assert result.exit_code == 2
        assert "fifty-megabytes.txt: gave up after 3 s (the per-file time limit, setting ingest_time_limit)" in result.stderr
        assert kg.export() == before


def test_a_path_that_does_not_exist(kg, tmp_path):
    refused(kg, tmp_path / "nope.docx", "no such file or directory")


def test_a_file_without_read_permission(kg, tmp_path):
    if os.geteuid() == 0:
        _as_nobody_without_permission()
        return
    path = tmp_path / "secret.docx"
    fx.write_docx(TULA, path).chmod(0)
    refused(kg, path, "permission denied")


def _as_nobody_without_permission() -> None:
    """As root every file is readable: run the real command as the unprivileged user ``nobody``."""
    setpriv = next((p for p in ("/usr/bin/setpriv", "/bin/setpriv") if os.path.exists(p)), None)
    if setpriv is None or not CLI.exists():
        pytest.skip("running as root without setpriv (util-linux): cannot drop the privilege that reads any file")
    folder = Path(tempfile.mkdtemp(prefix="shnor-nobody-"))  # under /tmp, reachable by nobody
    try:
        folder.chmod(0o755)
        _refused_to_nobody(setpriv, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _refused_to_nobody(setpriv: str, folder: Path) -> None:
    path = fx.write_docx(TULA, folder / "secret.docx")
    path.chmod(0)
    data_dir = folder / "kg"
    data_dir.mkdir()
    os.chown(data_dir, 65534, 65534)

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", str(CLI), "--data-dir", str(data_dir), *args],
                              capture_output=True, timeout=120, env={**os.environ, "HOME": str(data_dir)})

    assert run("ingest", str(KOSTROMA)).returncode == 0
    before = run("export", "--format", "nquads").stdout
    result = run("ingest", str(path))
    assert result.returncode == 2, result.stderr
    assert f"shnor-kg: error: {path}: permission denied" in result.stderr.decode()
    assert run("export", "--format", "nquads").stdout == before and before


def test_a_batch_goes_on_past_bad_files_and_sums_up(tmp_path):
    folder = tmp_path / "downloads"
    folder.mkdir()
    (folder / "tula.txt").write_bytes(TULA.read_bytes())
    fx.write_docx(KOSTROMA, folder / "kostroma.docx")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "garbage.pdf").write_bytes(b"%PDF-1.4\n" + random.Random(1).randbytes(3000))
    whole = (folder / "kostroma.docx").read_bytes()
    (folder / "broken.docx").write_bytes(whole[:4000])
    (folder / "README.md").write_text("not an act, and skipped as the folder's documentation", "utf-8")
    kg = Kg(tmp_path / "kg")

    first = kg("ingest", str(folder), str(tmp_path / "missing.txt"))
    assert first.exit_code == 2
    assert first.stdout.strip().splitlines()[-1] == "2 ingested, 0 replaced, 0 unchanged, 4 failed"
    for reason in ("empty.txt: empty file", "garbage.pdf: damaged PDF", "broken.docx: damaged or truncated ZIP container",
                   "missing.txt: no such file or directory"):
        assert reason in first.stderr
    assert "README" not in first.stderr
    stored = kg.export()
    assert b"prikaz-22-1-osn" in stored and b"ru-kos-kostroma" in stored

    again = kg("ingest", str(folder))
    assert again.stdout.strip().splitlines()[-1] == "0 ingested, 0 replaced, 2 unchanged, 3 failed"
    assert kg.export() == stored  # unchanged by sha256: nothing rewritten

    (folder / "tula.txt").write_bytes(TULA.read_bytes().replace("Т.В. Золотова".encode(), "Т.В. Золотова ".encode()))
    for bad in ("empty.txt", "garbage.pdf", "broken.docx"):
        (folder / bad).unlink()
    third = kg("ingest", str(folder))
    assert third.exit_code == 0, third.output
    assert third.stdout.strip().splitlines()[-1] == "0 ingested, 1 replaced, 1 unchanged, 0 failed"


def test_a_partial_act_is_ingested_with_what_it_has(tmp_path):
    """The header and clauses of an act without its annexes: stored as it is, nothing invented."""
    lines = TULA.read_text("utf-8").split("\n")
    path = tmp_path / "tula-without-annexes.txt"
    path.write_text("\n".join(lines[: lines.index("Т.В. Золотова") + 1]) + "\n", "utf-8")
    kg = Kg(tmp_path / "kg")
    result = kg("ingest", str(path))
    assert result.exit_code == 0 and "1 ingested" in result.stdout, result.output
    rows = kg("query", "PREFIX shnor: <https://w3id.org/shnor/ontology#> SELECT (COUNT(?i) AS ?n) WHERE { ?i a shnor:PlanItem }",
              "--format", "csv").stdout.split()
    assert rows == ["n", "0"]
    number = kg("query", "PREFIX eli: <http://data.europa.eu/eli/ontology#> PREFIX prov: <http://www.w3.org/ns/prov#> "
                "SELECT ?n WHERE { ?a prov:wasDerivedFrom ?source ; eli:number ?n }", "--format", "csv")
    assert number.stdout.split() == ["n", "22/1-осн"]


def test_the_summary_lists_failures_after_a_progress_bar(tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    for k in range(6):
        (folder / f"empty-{k}.txt").write_bytes(b"")
    result = Kg(tmp_path / "kg")("ingest", str(folder))
    assert result.exit_code == 2
    assert result.stdout.strip().splitlines()[-1] == "0 ingested, 0 replaced, 0 unchanged, 6 failed"
    listed = result.stderr.split("shnor-kg: failed files:\n", 1)[1]
    assert [line.strip() for line in listed.strip().splitlines()] == [f"empty-{k}.txt: empty file" for k in range(6)]

