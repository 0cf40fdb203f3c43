"""A per-file time limit for the ingest pipeline: no input can keep a worker busy for ever.

:func:`time_limit` runs a block under a watchdog: a timer thread that, when the limit passes,
raises :class:`IngestTimeLimit` (an :class:`~shnor_kg.errors.IngestError` naming the file) in
the thread running the block, through ``PyThreadState_SetAsyncExc``. That works from any thread
(the web server's request threads included, where ``signal.alarm`` cannot be used) and stops
pure-Python work — every stage of the pipeline — at its next bytecode. It cannot cut short a
single long call into C (one regular-expression search, one ``bytes.decode``); such calls in
the pipeline are linear in their input, and the input is bounded by ``max_upload_bytes``.
External programs (LibreOffice) have their own time limit and are killed on any exception.

The pipeline is pure (no store, no shared state written), so abandoning it midway loses
nothing: the caller gets the error and the store is never touched.
"""

from __future__ import annotations

import ctypes
import threading
from contextlib import contextmanager
from typing import Iterator

from ..errors import IngestError


class IngestTimeLimit(IngestError):
    """A file took longer than the per-file time limit to ingest."""

    code = "ingest_time_limit"
    _message = "ingest time limit exceeded"
    _file: str | None = None

    def __init__(self, *args: object) -> None:  # raised asynchronously: constructed without arguments
        super().__init__(str(args[0]) if args else self._message, file=self._file)


def _exception_for(name: str, seconds: float) -> type[IngestTimeLimit]:
    message = (f"{name}: gave up after {seconds:g} s (the per-file time limit, setting ingest_time_limit): "
               "the file is too large or too unusual to read in time")
    return type("IngestTimeLimit", (IngestTimeLimit,), {"_message": message, "_file": name})


def _set_async_exc(thread_id: int, exc: type[BaseException] | None) -> int:
    return ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(exc) if exc else None)


@contextmanager
def time_limit(name: str, seconds: float | None) -> Iterator[None]:
    """Run the block with a time limit (None or ≤ 0: no limit); :class:`IngestTimeLimit` when it passes."""
    if not seconds or seconds <= 0:
        yield
        return
    target = threading.get_ident()
    exception = _exception_for(name, seconds)
    lock = threading.Lock()
    state = {"done": False, "fired": False}

    def fire() -> None:
        with lock:
            if not state["done"]:
                state["fired"] = True
                _set_async_exc(target, exception)

    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        with lock:
            state["done"] = True
            fired = state["fired"]
        timer.cancel()
        if fired:
            _set_async_exc(target, None)  # not delivered yet: withdraw it, it must not escape the block
