"""Packaging: `pip install .` puts only `shnor_kg` into site-packages; an editable install works.

Wheels are built with this venv's setuptools (no build isolation, no index), so the test needs no
network; they are installed with --no-deps into a fresh virtual environment.
"""

import subprocess
import sys
import venv
from pathlib import Path

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.slow


def build(kind: str, out: Path) -> Path:
    code = f"from setuptools import build_meta; print(build_meta.build_{kind}({str(out)!r}))"
    name = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True).stdout.split()[-1]
    return out / name


def fresh_venv(path: Path) -> Path:
    venv.EnvBuilder(with_pip=True).create(path)
    return path / "bin" / "python"


def install(python: Path, wheel: Path) -> None:
    subprocess.run([python, "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)], check=True, capture_output=True)


def site_packages(python: Path) -> Path:
    out = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], check=True, capture_output=True, text=True)
    return Path(out.stdout.strip())


def test_wheel_installs_only_shnor_kg(tmp_path):
    python = fresh_venv(tmp_path / "venv")
    baseline = set(p.name for p in site_packages(python).iterdir())
    install(python, build("wheel", tmp_path / "dist"))
    added = set(p.name for p in site_packages(python).iterdir()) - baseline
    assert {n for n in added if not n.endswith(".dist-info")} == {"shnor_kg"}
    package = site_packages(python) / "shnor_kg"
    assert {"ontology", "ingest", "shapes", "queries", "server", "errors.py", "config.py"} <= {p.name for p in package.iterdir()}
    vendored = ROOT / "server" / "static" / "vendor"
    if vendored.is_dir():  # `make assets` ran: the browser libraries travel with the wheel
        shipped = {p.relative_to(package / "server" / "static" / "vendor") for p in (package / "server" / "static" / "vendor").rglob("*.js")}
        assert shipped and shipped == {p.relative_to(vendored) for p in vendored.rglob("*.js")}


def test_editable_install_finds_every_subpackage_and_its_data(tmp_path):
    """The fresh venv borrows the dependencies of the test venv through PYTHONPATH (whose .pth
    files, including the test venv's own editable finder, are not processed)."""
    python = fresh_venv(tmp_path / "venv")
    install(python, build("editable", tmp_path / "dist"))
    code = (
        "import importlib, importlib.resources as r\n"
        "for name in ['ontology', 'ingest', 'shapes', 'queries', 'server']:\n"
        "    module = importlib.import_module('shnor_kg.' + name)\n"
        "    print(name, module.__file__)\n"
        "print('ttl', any(f.name == 'shnor.ttl' for f in r.files('shnor_kg.ontology').iterdir()))\n"
    )
    env = {"PYTHONPATH": site_packages(Path(sys.executable)).as_posix(), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([python, "-c", code], cwd=tmp_path, check=True, capture_output=True, text=True, env=env)
    lines = dict(line.split(" ", 1) for line in out.stdout.strip().splitlines())
    assert lines.pop("ttl") == "True"
    assert {name: Path(path).parent for name, path in lines.items()} == {name: ROOT / name for name in lines}
