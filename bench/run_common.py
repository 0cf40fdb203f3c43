"""Helpers of the benchmark harness: timing, isolated processes, peak memory, servers, HTTP.

Everything here stays on loopback and is bounded: a subprocess has a time limit, a server is
stopped when its block ends, an HTTP request has a timeout.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import traceback
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
WORK = ROOT / "var" / "bench"
BIN = Path(sys.executable).parent


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 2)


def self_peak_mb() -> float:
    """Peak resident memory of this process: VmHWM (ru_maxrss would also count the parent's memory
    that a spawned child held between fork and exec)."""
    return hwm_mb(os.getpid()) or round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def hwm_mb(pid: int) -> float:
    """Peak resident memory (VmHWM) of a live process, from /proc."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0


def tree_hwm_mb(pid: int) -> dict:
    """Peak memory of a process and of its children (gunicorn master and workers)."""
    import psutil

    try:
        children = psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        children = []
    peaks = [hwm_mb(c.pid) for c in children]
    return {"main_mb": hwm_mb(pid), "children": len(peaks), "largest_child_mb": max(peaks, default=0.0),
            "sum_mb": round(hwm_mb(pid) + sum(peaks), 1)}


# -- isolated runs: a function in a fresh interpreter, with its own peak memory -----------------------


def _child(conn, fn: Callable, args: tuple, kwargs: dict) -> None:
    try:
        result = fn(*args, **kwargs)
        conn.send(("ok", result, self_peak_mb()))
    except BaseException as exc:  # reported to the parent, never swallowed
        conn.send(("error", f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}", self_peak_mb()))
    finally:
        conn.close()


def isolated(fn: Callable, *args, timeout: float, **kwargs) -> tuple[object, float]:
    """Run ``fn(*args, **kwargs)`` in a fresh (spawned) Python process; return (result, peak MB).

    Raises TimeoutError past ``timeout`` seconds (the process is killed) and RuntimeError when the
    function raised (with its traceback)."""
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(child, fn, args, kwargs), daemon=True)
    process.start()
    child.close()
    try:
        if not parent.poll(timeout):
            raise TimeoutError(f"{getattr(fn, '__name__', fn)} took more than {timeout:.0f} s")
        status, value, peak = parent.recv()
    except EOFError:
        raise RuntimeError(f"{getattr(fn, '__name__', fn)}: the process died (exit code {process.exitcode})") from None
    finally:
        if process.is_alive():
            process.kill()
        process.join(5)
    if status == "error":
        raise RuntimeError(value)
    return value, peak


# -- servers -------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A server subprocess on loopback: started, polled until it answers, stopped."""

    def __init__(self, command: list[str], port: int, *, env: dict | None = None, log: Path | None = None) -> None:
        self.command, self.port, self.env, self.log = command, port, env, log
        self.process: subprocess.Popen | None = None
        self.started = 0.0

    def start(self) -> None:
        out = open(self.log, "wb") if self.log else subprocess.DEVNULL
        self.started = time.perf_counter()
        self.process = subprocess.Popen(self.command, env={**os.environ, **(self.env or {})}, stdout=out,
                                        stderr=subprocess.STDOUT, start_new_session=True)

    def wait_until(self, probe: Callable[[], bool], *, timeout: float) -> float:
        """Seconds from start until ``probe()`` is true (polled every 20 ms)."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}: {' '.join(self.command)}"
                                   + (f" (log {self.log})" if self.log else ""))
            try:
                if probe():
                    return time.perf_counter() - self.started
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.02)
        raise TimeoutError(f"server not answering after {timeout:.0f} s: {' '.join(self.command)}")

    def memory(self) -> dict:
        return tree_hwm_mb(self.process.pid) if self.process else {}

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)


@contextmanager
def running(server: Server) -> Iterator[Server]:
    server.start()
    try:
        yield server
    finally:
        server.stop()


# -- HTTP ----------------------------------------------------------------------------------------------

JSON_RESULTS = "application/sparql-results+json"


class Client:
    """One keep-alive HTTP connection to a loopback server."""

    def __init__(self, port: int, timeout: float = 600.0) -> None:
        self.port, self.timeout = port, timeout
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None) -> tuple[int, bytes, float]:
        """(status, body, seconds from sending to the last byte read)."""
        for attempt in (1, 2):
            started = time.perf_counter()
            try:
                self.conn.request(method, path, body=body, headers=headers or {})
                response = self.conn.getresponse()
                data = response.read()
                return response.status, data, time.perf_counter() - started
            except (OSError, http.client.HTTPException) as exc:
                self.conn.close()  # a fresh connection for the next request
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
                retry = isinstance(exc, (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError))
                if attempt == 2 or not retry:
                    raise
        raise AssertionError("unreachable")

    def get(self, path: str, accept: str = "application/json") -> tuple[int, bytes, float]:
        return self.request("GET", path, headers={"Accept": accept})

    def sparql(self, path: str, query: str) -> tuple[int, bytes, float]:
        """POST a query as a form, asking for SPARQL JSON results."""
        body = urlencode({"query": query}).encode()
        return self.request("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded", "Accept": JSON_RESULTS})

    def close(self) -> None:
        self.conn.close()


# -- files -----------------------------------------------------------------------------------------


def write_json(name: str, data: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / name
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), "utf-8")
    return path


def fresh_dir(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def versions() -> dict:
    """Versions of the engines and libraries measured."""
    from importlib.metadata import version

    out = {"python": sys.version.split()[0]}
    for name in ("pyoxigraph", "rdflib", "pyshacl", "flask", "gunicorn", "networkx", "python-docx"):
        try:
            out[name] = version(name)
        except Exception:  # noqa: BLE001 - a missing package is reported as absent
            out[name] = None
    try:
        out["oxigraph-server"] = subprocess.run([str(BIN / "oxigraph"), "--version"], capture_output=True, text=True,
                                                timeout=10).stdout.strip()
    except OSError:
        out["oxigraph-server"] = None
    return out


def code_state() -> dict:
    """The commit measured, and the tracked files that differed from it (the tree is shared)."""
    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=30).stdout.rstrip("\n")
        except OSError:
            return ""

    changed = [line[3:] for line in git("status", "--porcelain", "--untracked-files=no").splitlines() if line.strip()]
    return {"commit": git("rev-parse", "--short", "HEAD").strip(), "modified_tracked_files": changed}


def machine() -> dict:
    import platform

    import psutil

    return {"cpus": os.cpu_count(), "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
            "platform": platform.platform(), "processor": platform.processor() or platform.machine(),
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()]}
