"""Crashes and a full disk never corrupt the store: every document is its old or its new version."""

import hashlib
import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest

from shnor_kg.errors import StoreUnavailable
from shnor_kg.server.catalog import Catalog, document_graph
from shnor_kg.server.store_embedded import LOCK, MANIFEST, EmbeddedStore

from .remote_servers import free_port

pytestmark = pytest.mark.slow
CLI = Path(sys.executable).with_name("shnor-kg")


def act_like_ttl(n: int, version: int) -> str:
    lines = [f'<http://example.org/doc{n}/item{i}> <http://example.org/title> "Мероприятие {i} документа {n}, версия {version}" .' for i in range(300)]
    return "\n".join(lines) + "\n"


def write_corpus(folder: Path, count: int, version: int) -> None:
    folder.mkdir(exist_ok=True)
    for n in range(count):
        (folder / f"doc{n:04d}.ttl").write_text(act_like_ttl(n, version), "utf-8")


def manifest_version(data_dir: Path) -> int:
    try:
        return json.loads((data_dir / MANIFEST).read_text())["version"]
    except (OSError, ValueError):
        return 0


def check_every_document_against_its_source(data_dir: Path) -> int:
    """Each stored document graph holds exactly the triples of the source whose sha256 it records."""
    store = EmbeddedStore.open(data_dir)
    catalog = Catalog(store, data_dir)
    documents = catalog.documents()
    for meta in documents:
        source = (data_dir / "documents" / meta["doc_id"] / "source").read_bytes()
        assert hashlib.sha256(source).hexdigest() == meta["sha256"]
        stored = set(ox.parse(store.export(ox.RdfFormat.N_TRIPLES, graph=document_graph(meta["doc_id"])), format=ox.RdfFormat.N_TRIPLES))
        expected = set(ox.parse(source, format=ox.RdfFormat.TURTLE))
        assert expected <= stored and len(stored - expected) == 4  # plus the SourceDocument record
    stored_docs = [g for g in store.graphs() if g.split("/")[-1].startswith("rdf-")]
    assert len(stored_docs) == len(documents)
    assert not list((data_dir / "documents").glob(".staging-*")) and not list((data_dir / "documents").glob(".trash-*"))
    return len(documents)


def test_kill_9_during_a_batch_ingest_leaves_old_or_new_versions(tmp_path):
    data_dir, corpus = tmp_path / "kg", tmp_path / "corpus"
    write_corpus(corpus, 40, version=1)
    env = {**os.environ, "SHNOR_KG_DATA_DIR": str(data_dir)}
    subprocess.run([CLI, "ingest", str(corpus)], env=env, check=True, capture_output=True)
    write_corpus(corpus, 120, version=2)  # RDF files are content-addressed: 120 new documents
    process = subprocess.Popen([CLI, "ingest", str(corpus)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    start = manifest_version(data_dir)
    deadline = time.monotonic() + 60
    while manifest_version(data_dir) < start + 30 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait(10)
    count = check_every_document_against_its_source(data_dir)
    assert 40 < count < 160, "the kill should land in the middle of the batch"
    result = subprocess.run([CLI, "ingest", str(corpus)], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert check_every_document_against_its_source(data_dir) == 160


def test_a_lock_held_by_a_killed_writer_does_not_block_the_next(tmp_path):
    data_dir = tmp_path / "kg"
    EmbeddedStore.open(data_dir)
    holder = subprocess.Popen([sys.executable, "-c", (
        "import fcntl, sys, time\n"
        f"handle = open({str(data_dir / LOCK)!r}, 'a+')\n"
        "fcntl.flock(handle, fcntl.LOCK_EX)\nprint('locked', flush=True)\ntime.sleep(120)\n")], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    holder.send_signal(signal.SIGKILL)
    holder.wait(10)
    holder.stdout.close()
    store = EmbeddedStore.open(data_dir)
    store.replace_graph("http://example.org/g", [ox.Triple(ox.NamedNode("http://example.org/a"), ox.NamedNode("http://example.org/p"), ox.Literal("x"))])
    assert store.graphs() == ["http://example.org/g"]


def test_a_live_writer_s_lock_gives_a_clear_message(tmp_path, monkeypatch):
    data_dir = tmp_path / "kg"
    store = EmbeddedStore.open(data_dir)
    import shnor_kg.server.store_embedded as module

    monkeypatch.setattr(module, "LOCK_WAIT_SECONDS", 0.2)
    import fcntl

    with open(data_dir / LOCK, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        with pytest.raises(StoreUnavailable, match="locked by another writer"):
            store.drop_graph("http://example.org/g")


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({result.stderr.strip()}): the full-disk test needs root and mount")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_is_a_clear_error_and_the_store_stays_intact(small_disk, tmp_path):
    data_dir, corpus = small_disk / "kg", tmp_path / "corpus"
    write_corpus(corpus, 3, version=1)
    env = {**os.environ, "SHNOR_KG_DATA_DIR": str(data_dir)}
    subprocess.run([CLI, "ingest", str(corpus)], env=env, check=True, capture_output=True)
    before = subprocess.run([CLI, "export"], env=env, check=True, capture_output=True).stdout
    big = tmp_path / "big"
    write_corpus(big, 40, version=3)
    result = subprocess.run([CLI, "ingest", str(big)], env=env, capture_output=True, text=True)
    assert result.returncode != 0
    assert "No space left on device" in result.stderr and str(data_dir) in result.stderr
    assert "Traceback" not in result.stderr
    count = check_every_document_against_its_source(data_dir)
    assert count >= 3
    exported = subprocess.run([CLI, "export"], env=env, check=True, capture_output=True).stdout
    assert set(before.splitlines()) <= set(exported.splitlines())


def _upload(base: str, token: str, name: str, body: bytes) -> None:
    boundary = "shnorboundary"
    data = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
            "Content-Type: text/turtle\r\n\r\n").encode() + body + f"\r\n--{boundary}--\r\n".encode()
    request = urllib.request.Request(f"{base}/api/documents", data=data, method="POST", headers={
        "Authorization": f"Bearer {token}", "Content-Type": f"multipart/form-data; boundary={boundary}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()


def _hammer(base: str, token: str, stop: threading.Event, first: int) -> None:
    """Uploads (distinct documents from ``first`` on) and queries until the server dies under them."""
    n = first
    while not stop.is_set():
        try:
            _upload(base, token, f"doc{n}.ttl", act_like_ttl(n, version=1).encode())
            with urllib.request.urlopen(f"{base}/sparql?query=SELECT%20(COUNT(*)%20AS%20%3Fn)%20WHERE%20%7B%3Fs%20%3Fp%20%3Fo%7D", timeout=30) as r:
                r.read()
        except (OSError, http.client.HTTPException):  # the server was killed, maybe in the middle of an answer
            return
        n += 1


def _start_server(data_dir: Path, port: int, token: str) -> subprocess.Popen:
    env = {**os.environ, "SHNOR_KG_DATA_DIR": str(data_dir), "SHNOR_KG_WRITE_TOKEN": token}
    process = subprocess.Popen([CLI, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as response:
                response.read()
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise AssertionError("the server did not start")


def test_kill_9_of_the_server_during_uploads_and_queries(tmp_path):
    data_dir, token, port = tmp_path / "kg", "fault-token", free_port()
    server = _start_server(data_dir, port, token)
    stop = threading.Event()
    workers = [threading.Thread(target=_hammer, args=(f"http://127.0.0.1:{port}", token, stop, 1000 * k)) for k in range(3)]
    for worker in workers:
        worker.start()
    start = manifest_version(data_dir)
    deadline = time.monotonic() + 60
    while manifest_version(data_dir) < start + 15 and time.monotonic() < deadline:
        time.sleep(0.01)
    server.send_signal(signal.SIGKILL)
    server.wait(10)
    stop.set()
    for worker in workers:
        worker.join(60)
    assert check_every_document_against_its_source(data_dir) >= 10
    restarted = _start_server(data_dir, port, token)
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/documents", timeout=30) as response:
            assert len(json.loads(response.read())["documents"]) >= 10
    finally:
        restarted.send_signal(signal.SIGTERM)
        restarted.wait(30)
