"""`shnor-kg serve --workers 2` runs gunicorn for real: it answers, logs JSON lines, enforces limits."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from .remote_servers import free_port

pytestmark = pytest.mark.slow


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited with {process.returncode}: {process.stderr.read().decode()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                response.read()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("server did not start")


@pytest.fixture
def gunicorn_server(tmp_path):
    port = free_port()
    env = {**os.environ, "SHNOR_KG_DATA_DIR": str(tmp_path / "kg"), "SHNOR_KG_MAX_UPLOAD_BYTES": "2048"}
    cli = Path(sys.executable).with_name("shnor-kg")
    process = subprocess.Popen([str(cli), "serve", "--workers", "2", "--port", str(port)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/health", process)
        yield base, process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        process.communicate(timeout=30)


def test_gunicorn_answers_queries_and_logs_json_lines(gunicorn_server):
    base, process = gunicorn_server
    query = urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
    with urllib.request.urlopen(f"{base}/sparql?{query}", timeout=10) as response:
        body = json.loads(response.read())
    assert int(body["results"]["bindings"][0]["n"]["value"]) >= 0
    with pytest.raises(urllib.error.HTTPError) as too_big:
        urllib.request.urlopen(urllib.request.Request(f"{base}/sparql", data=b"query=" + b"x" * 5000, method="POST"), timeout=10)
    too_big.value.close()
    assert too_big.value.code == 413
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=30)
    process.stderr = None  # already drained
    lines = [json.loads(line) for line in stderr.decode().splitlines() if line.startswith("{")]
    assert {(r["path"], r["status"]) for r in lines} >= {("/sparql", 200), ("/sparql", 413)}


def test_overlong_request_line_is_refused(gunicorn_server):
    base, _ = gunicorn_server
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{base}/sparql?query={'x' * 9000}", timeout=10)
    refused.value.close()
    assert refused.value.code in (400, 414)
