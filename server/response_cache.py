"""Encoded answers kept on disk per dataset version and shared by every server process.

A stored query's JSON, CSV or TSV answer, or an expensive ad hoc SPARQL answer, is kept as the
bytes sent to the client, so that a repeated request costs a file read (from the page cache)
instead of an evaluation and an encoding; the gunicorn workers, and a restarted server, share the
files. Layout: ``<data_dir>/cache/<version key>/<request key>``, one file per answer: a JSON line
of metadata (content type, headers, counts) then the body. Files are written to a temporary name
and renamed, so a reader sees a whole answer or none. The directory of the current version is the
only one kept: writing into a new version removes the others. The cache stops taking answers
past ``max_bytes`` (counted per process, from the directory's size when the version is first seen).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

CACHE_DIR = "cache"
WARMING, WARM = ".warming", ".warm"  # the lock of the process that warms a version, and its receipt


def with_receipt(body: bytes, cached: bool, elapsed: float) -> bytes:
    """A kept JSON object with the members that belong to each request appended: ``cached`` and
    ``elapsed_ms`` (the body was encoded without them)."""
    return body[:-1] + b',"cached":%s,"elapsed_ms":%s}' % (b"true" if cached else b"false", str(round(elapsed * 1000, 3)).encode())


def _digest(value: object) -> str:
    return hashlib.sha256(repr(value).encode("utf-8")).hexdigest()[:40]


class ResponseCache:
    """Bytes and metadata per (dataset version, request key); ``max_bytes`` 0 turns it off."""

    def __init__(self, data_dir: str | os.PathLike, max_bytes: int) -> None:
        self.root = Path(data_dir) / CACHE_DIR
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._version: str | None = None
        self._bytes = 0

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0

    def version_dir(self, version: str) -> Path:
        return self.root / ("v-" + _digest(version)[:24])

    def get(self, version: str, key: object) -> tuple[dict, bytes] | None:
        """(metadata, body) of the answer kept for ``key`` at ``version``, or None."""
        if not self.enabled:
            return None
        try:
            data = (self.version_dir(version) / _digest(key)).read_bytes()
        except OSError:
            return None
        head, _, body = data.partition(b"\n")
        try:
            return json.loads(head), body
        except ValueError:
            return None

    def put(self, version: str, key: object, meta: dict, body: bytes) -> bool:
        """Keep an answer (False when the cache is off, full, or the disk refuses it)."""
        if not self.enabled:
            return False
        data = json.dumps(meta, ensure_ascii=False).encode("utf-8") + b"\n" + body
        folder = self.version_dir(version)
        with self._lock:
            self._enter(version, folder)
            if self._bytes + len(data) > self.max_bytes:
                return False
            self._bytes += len(data)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, folder / _digest(key))
        except OSError:
            return False
        return True

    def _enter(self, version: str, folder: Path) -> None:
        """On a new version: forget the others' files and count what this one already holds."""
        if version == self._version:
            return
        self._version = version
        if self.root.is_dir():
            for other in self.root.iterdir():
                if other != folder and other.name.startswith("v-"):
                    shutil.rmtree(other, ignore_errors=True)
        self._bytes = _size(folder)

    # -- warming (see ``warmup.py``): one process per version, the others see its receipt ------------

    def state(self, version: str) -> str:
        """``off``, ``warm`` (a process warmed this version), ``warming`` or ``cold``."""
        if not self.enabled:
            return "off"
        folder = self.version_dir(version)
        if (folder / WARM).exists():
            return "warm"
        with self.claim_warming(version) as claimed:
            return "cold" if claimed else "warming"

    @contextmanager
    def claim_warming(self, version: str) -> Iterator[bool]:
        """Hold the warming lock of ``version`` if no other process holds it (yields whether held)."""
        folder = self.version_dir(version)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd = os.open(folder / WARMING, os.O_CREAT | os.O_RDWR, 0o644)
        except OSError:
            yield False
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            yield False
            return
        try:
            yield True
        finally:
            os.close(fd)

    def mark_warm(self, version: str, receipt: dict) -> None:
        folder = self.version_dir(version)
        try:
            (folder / WARM).write_text(json.dumps(receipt), "utf-8")
        except OSError:
            pass


def _size(folder: Path) -> int:
    """Bytes of the files in ``folder`` (0 when it does not exist; files that vanish are skipped)."""
    total = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        try:
            total += entry.stat().st_size
        except OSError:
            pass
    return total

