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
nothing: the caller gets the error and the store is never touched. While a limited block runs,
automatic garbage collection is off (reference counting still frees almost everything): an
exception delivered inside a collector callback would be dropped. One delivered inside a
``__del__`` would be dropped too, so past the limit it is raised again until the block ends.
"""

from __future__ import annotations

import ctypes
import gc
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


_gc_lock = threading.Lock()
_gc_holders = 0
_gc_was_enabled = False
REFIRE_SECONDS = 0.2


def _hold_gc(on: bool) -> None:
    """Automatic garbage collection off while any limited block runs (and back as it was after):
    an exception delivered inside a collector callback would be printed and dropped."""
    global _gc_holders, _gc_was_enabled
    with _gc_lock:
        if on:
            if _gc_holders == 0:
                _gc_was_enabled = gc.isenabled()
                gc.disable()
            _gc_holders += 1
        else:
            _gc_holders -= 1
            if _gc_holders == 0 and _gc_was_enabled:
                gc.enable()


@contextmanager
def time_limit(name: str, seconds: float | None) -> Iterator[None]:
    """Run the block with a time limit (None or ≤ 0: no limit); :class:`IngestTimeLimit` when it passes.

    Past the limit the exception is raised again every ``REFIRE_SECONDS`` until the block has
    ended, in case one landed where Python drops exceptions (a ``__del__`` method).
    """
    if not seconds or seconds <= 0:
        yield
        return
    target = threading.get_ident()
    exception = _exception_for(name, seconds)
    lock = threading.Lock()
    done = threading.Event()
    state = {"done": False, "fired": False}

    def watch() -> None:
        if done.wait(seconds):
            return
        while True:
            with lock:
                if state["done"]:
                    return
                state["fired"] = True
                _set_async_exc(target, exception)
            if done.wait(REFIRE_SECONDS):
                return

    watchdog = threading.Thread(target=watch, name=f"ingest time limit: {name}"[:60], daemon=True)
    _hold_gc(True)
    watchdog.start()
    try:
        yield
    finally:
        with lock:
            state["done"] = True
            fired = state["fired"]
        done.set()
        _hold_gc(False)
        if fired:
            _set_async_exc(target, None)  # not delivered yet: withdraw it, it must not escape the block
