"""Queries evaluated in worker processes, so that the time limit really stops them.

Measured with pyoxigraph 0.5.13: evaluation releases the GIL but cannot be cancelled; a blocking
aggregate (``COUNT`` over a cartesian product) runs to its end whatever the caller does. A
process can be killed, so each query runs in a worker process *forked from the process that
holds the in-memory store*: the child sees the store through copy-on-write pages (no reload, no
second copy), answers over a socket pair, and is killed with SIGKILL at the deadline; a fresh one
is forked for the next query. Workers are reused while the store keeps its version and replaced
after a change. Costs measured on 100k quads: 2 ms per fork, 0.1 ms per round trip.

Answers travel as bytes written by Oxigraph's own serializers: TSV for solutions (one solution per
line, so the row cap is a line count and the serializer is stopped as soon as the cap is passed),
N-Triples for graphs, and are turned into the requested results format in the worker; so the
server process does no per-term Python work on the hot path.

Two lanes: ad hoc queries (``QueryJob.adhoc``, the SPARQL endpoint's) and ours (stored queries,
views, pages: bounded and cached) have their own slots and processes, so that ours never wait for a
free slot behind ad hoc ones; the ad hoc processes run at a lower CPU priority (``adhoc_nice``), so
that when the cores are busy ours come first and ad hoc queries use what is left.

Long queries: an *ad hoc* query whose process has used
``long_after`` seconds of CPU (not of waiting: on a busy machine a cheap query is not "long")
gives up its slot to the short queries behind it: its process is moved to
the lowest CPU priority (nice 19), so that a few pathological queries cannot starve the cheap
ones, and it keeps running in one of ``long_slots`` places. When those are all taken the query is
stopped at once with 503 and Retry-After (``ServerBusy``) rather than queueing the others behind
it. A query known to be long before it starts (``QueryJob.long``: the guard saw a cross product
of whole-store patterns) goes to a long slot at once, or is stopped at once. A reniced process
cannot be given its priority back, so it is retired after its answer.
Stored and internal queries are ours, bounded, and never reniced or stopped early.

Defence in depth: every worker installs a seccomp filter that refuses ``socket(AF_INET/AF_INET6)``
and ``io_uring_setup`` (x86-64 and arm64 Linux). pyoxigraph *does* open HTTP connections for
``SERVICE`` (measured); the query guard refuses SERVICE before evaluation, and the filter makes
sure that a guard mistake still cannot reach the network.
"""

from __future__ import annotations

import ctypes
import gc
import os
import pickle
import platform
import re
import signal
import socket
import threading
import time
import warnings
import weakref
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Callable, Hashable, Mapping

import pyoxigraph as ox

from ..errors import BadInput, QuerySyntaxError, QueryTimeout, ServerBusy, StoreUnavailable
from .results import serialize_transport
from .store import QueryResult, Term

LONG_CHECK = 0.02  # seconds between two looks at the CPU time of an ad hoc query
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
TSV = ox.QueryResultsFormat.TSV
NT = ox.RdfFormat.N_TRIPLES
_POSITION = re.compile(r"^error at (\d+):(\d+):\s*")


@dataclass(frozen=True)
class QueryJob:
    """One query to evaluate.

    ``default_graph`` None means the union of the named graphs; ``output`` names the results
    format to return (a key of :data:`shnor_kg.server.results.FORMATS`); None returns the
    transport format (TSV or N-Triples) that :meth:`Answer.to_result` decodes.
    """

    sparql: str
    default_graph: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    substitutions: tuple[tuple[str, Term], ...] = ()
    limit: int | None = None
    output: str | None = None
    adhoc: bool = False
    long: bool = False  # known to be long before evaluation (an ad hoc cross product): starts in a long slot


@dataclass(frozen=True)
class Answer:
    """A serialized query answer with its receipt (``elapsed`` is seconds in the evaluator)."""

    kind: str
    body: bytes
    count: int
    truncated: bool
    elapsed: float
    output: str | None = None
    sandboxed: bool = False

    def to_result(self) -> QueryResult:
        """Decode a transport-format answer into the store's QueryResult."""
        if self.output is not None:
            raise ValueError("only transport answers (output=None) decode into a QueryResult")
        if self.kind == "ask":
            return QueryResult("ask", boolean=self.body == b"true", elapsed=self.elapsed)
        if self.kind == "graph":
            triples = list(ox.parse(self.body, format=NT))
            return QueryResult("graph", triples=triples, truncated=self.truncated, elapsed=self.elapsed)
        solutions = ox.parse_query_results(self.body, TSV)
        rows = [tuple(solution) for solution in solutions]
        variables = [v.value for v in solutions.variables]
        return QueryResult("select", variables, rows, truncated=self.truncated, elapsed=self.elapsed)


def job_for(
    sparql: str,
    *,
    substitutions: Mapping[str, Term] | None = None,
    default_graph=None,
    named_graphs=None,
    limit: int | None = None,
    output: str | None = None,
) -> QueryJob:
    """A QueryJob from the keyword arguments of ``Store.query``."""
    return QueryJob(
        sparql,
        None if default_graph is None else tuple(default_graph),
        None if named_graphs is None else tuple(named_graphs),
        tuple((substitutions or {}).items()),
        limit,
        output,
    )


# -- evaluation (in a worker, or in this process when workers are off) ---------------------------


class _CapReached(Exception):
    """Raised from the writer to stop Oxigraph's serializer once the row cap is passed."""


class _LineCappedWriter:
    """A binary writer that stops the serializer after ``max_lines`` complete lines."""

    def __init__(self, max_lines: int | None) -> None:
        self.parts: list[bytes] = []
        self.lines = 0
        self.max_lines = max_lines

    def write(self, data) -> int:
        data = bytes(data)
        self.parts.append(data)
        self.lines += data.count(b"\n")
        if self.max_lines is not None and self.lines > self.max_lines:
            raise _CapReached()
        return len(data)

    def flush(self) -> None:
        """Nothing to flush: the parts are kept in memory."""


def _capped(results, fmt, *, limit: int | None, header_lines: int) -> tuple[bytes, int, bool]:
    """Serialize ``results`` keeping ``limit`` records (one per line); -> (bytes, count, truncated)."""
    writer = _LineCappedWriter(None if limit is None else header_lines + limit)
    try:
        results.serialize(writer, format=fmt)
    except _CapReached:
        data = b"".join(writer.parts)
        cut = 0
        for _ in range(header_lines + limit):
            cut = data.index(b"\n", cut) + 1
        return data[:cut], limit, True
    return b"".join(writer.parts), writer.lines - header_lines, False


def _query_kwargs(job: QueryJob) -> dict:
    kwargs: dict = {}
    if job.default_graph is None:
        kwargs["use_default_graph_as_union"] = True
    else:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in job.default_graph]
    if job.named_graphs is not None:
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
    if job.substitutions:
        kwargs["substitutions"] = {ox.Variable(k): v for k, v in job.substitutions}
    return kwargs


def evaluate(store: ox.Store, job: QueryJob, *, sandboxed: bool = False) -> Answer:
    """Run ``job`` on ``store`` and serialize the answer (raises SyntaxError and the engine's
    evaluation errors as they are)."""
    started = time.monotonic()
    raw = store.query(job.sparql, **_query_kwargs(job))
    if isinstance(raw, ox.QueryBoolean):
        kind, body, count, truncated = "ask", (b"true" if raw else b"false"), 1, False
    elif isinstance(raw, ox.QuerySolutions):
        kind = "select"
        body, count, truncated = _capped(raw, TSV, limit=job.limit, header_lines=1)
    else:
        kind = "graph"
        body, count, truncated = _capped(raw, NT, limit=job.limit, header_lines=0)
    if job.output is not None:
        body = serialize_transport(kind, body, job.output)
    return Answer(kind, body, count, truncated, time.monotonic() - started, job.output, sandboxed)


def syntax_error(exc: SyntaxError, sparql: str) -> QuerySyntaxError:
    """The engine's syntax error as a QuerySyntaxError naming the line and column, with the line
    of the query and a caret under the column."""
    text = str(exc)
    match = _POSITION.match(text)
    if not match:
        return QuerySyntaxError(f"malformed SPARQL query: {text}")
    line, column = int(match.group(1)), int(match.group(2))
    lines = sparql.splitlines() or [""]
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    pointer = f"\n  {source}\n  {' ' * (column - 1)}^" if source.strip() else ""
    message = f"malformed SPARQL query at line {line}, column {column}: {text[match.end():]}{pointer}"
    return QuerySyntaxError(message, line=line, column=column)


def _failure(exc: BaseException, sparql: str) -> Exception:
    """The error to report for an exception raised while evaluating ``sparql``."""
    if isinstance(exc, SyntaxError):
        return syntax_error(exc, sparql)
    return BadInput(f"the query could not be evaluated: {exc}")


def evaluate_here(store: ox.Store, job: QueryJob) -> Answer:
    """Evaluate in this process (no time limit can stop it): for stores without workers."""
    try:
        return evaluate(store, job)
    except (SyntaxError, OSError, RuntimeError, ValueError, TypeError) as exc:
        raise _failure(exc, job.sparql) from None


# -- the sandbox of a worker --------------------------------------------------------------------

_SECCOMP_ARCH = {"x86_64": (0xC000003E, 41), "aarch64": (0xC00000B7, 198)}  # audit arch, __NR_socket
_NR_IO_URING_SETUP = 425
_AF_INET, _AF_INET6, _EACCES = 2, 10, 13


class _SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte), ("k", ctypes.c_uint32)]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


def _network_filter(arch: int, nr_socket: int) -> list[tuple[int, int, int, int]]:
    """A classic-BPF seccomp program: EACCES for socket(AF_INET|AF_INET6) and io_uring_setup."""
    load, jeq, ret = 0x20, 0x15, 0x06
    allow, deny = 0x7FFF0000, 0x00050000 | _EACCES
    return [
        (load, 0, 0, 4),  # 0: the audit architecture
        (jeq, 0, 6, arch),  # 1: another architecture -> allow (8)
        (load, 0, 0, 0),  # 2: the system call number
        (jeq, 5, 0, _NR_IO_URING_SETUP),  # 3: io_uring could open sockets -> deny (9)
        (jeq, 0, 3, nr_socket),  # 4: not socket() -> allow (8)
        (load, 0, 0, 16),  # 5: socket()'s first argument, the address family
        (jeq, 2, 0, _AF_INET),  # 6: -> deny (9)
        (jeq, 1, 0, _AF_INET6),  # 7: -> deny (9)
        (ret, 0, 0, allow),  # 8
        (ret, 0, 0, deny),  # 9
    ]


def deny_network() -> bool:
    """Forbid this process (and threads it starts later) to open IP sockets; False when the
    platform offers no seccomp filter (the query guard is then the only barrier)."""
    arch = _SECCOMP_ARCH.get(platform.machine())
    if arch is None or not hasattr(ctypes, "CDLL"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return False
    program = (_SockFilter * 10)(*[_SockFilter(*instruction) for instruction in _network_filter(*arch)])
    fprog = _SockFprog(len(program), program)
    ulong = ctypes.c_ulong
    if libc.prctl(38, ulong(1), ulong(0), ulong(0), ulong(0)) != 0:  # PR_SET_NO_NEW_PRIVS
        return False
    return libc.prctl(22, ulong(2), ctypes.byref(fprog), ulong(0), ulong(0)) == 0  # PR_SET_SECCOMP, FILTER


# -- the worker process -------------------------------------------------------------------------


def _watch_parent(life_fd: int) -> None:
    """Exit as soon as the server process ends (its end of the life pipe closes)."""
    try:
        os.read(life_fd, 1)
    finally:
        os._exit(0)


def _reply(store: ox.Store, job: QueryJob, sandboxed: bool) -> tuple:
    try:
        return ("ok", evaluate(store, job, sandboxed=sandboxed))
    except SyntaxError as exc:
        return ("syntax", str(exc))
    except Exception as exc:  # the engine's errors travel back as text
        return ("error", f"{exc}")


def _serve(store: ox.Store, fd: int, life_fd: int, nice: int) -> None:
    """The worker's life: answer jobs until the server closes the socket or ends."""
    if nice:
        os.nice(nice)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    low, high = sorted((fd, life_fd))
    os.closerange(3, low)
    os.closerange(low + 1, high)
    os.closerange(high + 1, os.sysconf("SC_OPEN_MAX") if hasattr(os, "sysconf") else 4096)
    gc.disable()  # the copy-on-write pages stay shared: no collector walks the inherited heap
    sandboxed = deny_network()
    threading.Thread(target=_watch_parent, args=(life_fd,), daemon=True).start()
    conn = Connection(fd)
    while True:
        try:
            job = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError):
            return
        conn.send_bytes(pickle.dumps(_reply(store, job, sandboxed), protocol=pickle.HIGHEST_PROTOCOL))


@dataclass
class _Worker:
    pid: int
    conn: Connection
    generation: Hashable
    adhoc: bool
    reniced: bool = False

    def send(self, job: QueryJob) -> None:
        self.conn.send_bytes(pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL))

    def wait(self, until: float) -> bool:
        """Whether the reply arrived before the monotonic time ``until``."""
        remaining = until - time.monotonic()
        return remaining > 0 and self.conn.poll(remaining)

    def receive(self) -> tuple:
        return pickle.loads(self.conn.recv_bytes())

    def cpu_seconds(self) -> float:
        """CPU seconds the process has used (Linux ``/proc``); elsewhere the wall-clock time, so
        that the long-query rule still applies."""
        try:
            fields = Path(f"/proc/{self.pid}/stat").read_bytes().rsplit(b")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
        except (OSError, IndexError, ValueError):
            return time.monotonic()

    def renice(self) -> None:
        """Lowest CPU priority for the rest of this process's life."""
        try:
            os.setpriority(os.PRIO_PROCESS, self.pid, 19)
        except OSError:  # the process has just ended: its reply or EOF is waiting
            pass
        self.reniced = True


def _kill(pid: int, conn: Connection | None = None) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass
    if conn is not None:
        conn.close()


class _Registry:
    """The pids of live workers and the life pipe, closed when the pool goes away."""

    def __init__(self) -> None:
        self.pids: set[int] = set()
        self.life_read, self.life_write = os.pipe()

    def close(self) -> None:
        for pid in list(self.pids):
            _kill(pid)
        self.pids.clear()
        for fd in (self.life_read, self.life_write):
            try:
                os.close(fd)
            except OSError:
                pass


class QueryProcesses:
    """Worker processes forked from this one over one in-memory store, in two lanes of at most
    ``size`` each: ours (stored queries, views, pages) and ad hoc queries, whose processes run at
    ``adhoc_nice`` so that ours come first when the cores are busy; plus at most ``long_slots``
    ad hoc queries that ran past ``long_after`` seconds (see the module text)."""

    def __init__(self, store: ox.Store | Callable[[], ox.Store], *, size: int, long_slots: int = 1,
                 long_after: float | None = None, adhoc_nice: int = 0) -> None:
        self._store = store if callable(store) else (lambda: store)
        self.size = size
        self.long_after = long_after
        self._nice = {False: 0, True: adhoc_nice}
        self._idle: dict[bool, list[_Worker]] = {False: [], True: []}
        self._lock = threading.Lock()
        self._slots = {lane: threading.BoundedSemaphore(size) for lane in (False, True)}
        self._long_slots = threading.BoundedSemaphore(long_slots) if long_slots > 0 else None
        self._registry = _Registry()
        self._finalizer = weakref.finalize(self, self._registry.close)
        self.sandboxed: bool | None = None

    @staticmethod
    def available() -> bool:
        """Whether this platform can fork workers (POSIX)."""
        return hasattr(os, "fork")

    def run(self, job: QueryJob, *, timeout: float, generation: Callable[[], Hashable], fork_lock) -> Answer:
        """Evaluate ``job`` in a worker of the current ``generation()``; kill it at the deadline.

        ``fork_lock`` is held while forking so that no write to the store is under way. Raises
        QueryTimeout (503) at the limit, ServerBusy (503) for an ad hoc query that turns (or starts)
        long when every long slot is taken, QuerySyntaxError / BadInput for a bad query, StoreUnavailable
        when every worker stays busy until the deadline or a worker dies."""
        deadline = time.monotonic() + timeout
        if job.adhoc and job.long:
            self._take_long_slot("the query joins whole-store patterns that share no variable (a cross product)")
            held = [self._long_slots]
        else:
            slots = self._slots[job.adhoc]
            if not slots.acquire(timeout=timeout):
                raise StoreUnavailable(f"all {self.size} query processes stayed busy for {timeout:g} s; try again later")
            held = [slots]
        try:
            return self._run_in_worker(job, deadline, timeout, generation, fork_lock, held)
        finally:
            for slot in held:
                slot.release()

    def _run_in_worker(self, job, deadline, timeout, generation, fork_lock, held: list) -> Answer:
        worker = self._checkout(job.adhoc, generation, fork_lock)
        if job.adhoc and job.long:
            worker.renice()
        try:
            worker.send(job)
            if not self._await(worker, job, deadline, held):
                raise TimeoutError
            reply = worker.receive()
        except TimeoutError:
            self._retire(worker)
            raise QueryTimeout(f"the query was stopped at the time limit of {timeout:g} s", limit_seconds=timeout) from None
        except (EOFError, OSError):
            self._retire(worker)
            raise StoreUnavailable("the query process ended unexpectedly (out of memory?); the query was not answered") from None
        except BaseException:  # interrupted while waiting, or shed: the worker's state is unknown
            self._retire(worker)
            raise
        if worker.reniced:
            self._retire(worker)
        else:
            self._checkin(worker)
        return self._unpack(reply, job)

    def _await(self, worker: _Worker, job: QueryJob, deadline: float, held: list) -> bool:
        """Wait for the reply until ``deadline``; an ad hoc job whose process has used
        ``long_after`` CPU seconds moves from its slot to a long slot at the lowest priority, or
        is shed (ServerBusy)."""
        if not job.adhoc or worker.reniced or self.long_after is None:
            return worker.wait(deadline)
        started = worker.cpu_seconds()
        while not worker.wait(min(deadline, time.monotonic() + LONG_CHECK)):
            if time.monotonic() >= deadline:
                return False
            if worker.cpu_seconds() - started >= self.long_after:
                self._move_to_long_slot(worker, held)
                return worker.wait(deadline)
        return True

    def _move_to_long_slot(self, worker: _Worker, held: list) -> None:
        self._take_long_slot(f"the query used {self.long_after:g} s of CPU")
        worker.renice()
        held.pop().release()  # the lane's slot
        held.append(self._long_slots)

    def _take_long_slot(self, reason: str) -> None:
        """One of the long slots, or ServerBusy (503 + Retry-After) when all are taken."""
        if self._long_slots is None or not self._long_slots.acquire(blocking=False):
            raise ServerBusy(f"{reason} while the server was already evaluating its longest queries; it was stopped: "
                             "retry later or narrow the query", retry_after=5)

    def _unpack(self, reply: tuple, job: QueryJob) -> Answer:
        status, payload = reply
        if status == "ok":
            self.sandboxed = payload.sandboxed
            return payload
        if status == "syntax":
            raise syntax_error(SyntaxError(payload), job.sparql)
        raise BadInput(f"the query could not be evaluated: {payload}")

    def _checkout(self, adhoc: bool, generation, fork_lock) -> _Worker:
        current = generation()
        stale = []
        idle = self._idle[adhoc]
        with self._lock:
            worker = None
            while idle and worker is None:
                candidate = idle.pop()
                if candidate.generation == current:
                    worker = candidate
                else:
                    stale.append(candidate)
        for old in stale:
            self._retire(old)
        return worker or self._fork(adhoc, generation, fork_lock)

    def _checkin(self, worker: _Worker) -> None:
        with self._lock:
            self._idle[worker.adhoc].append(worker)

    def _retire(self, worker: _Worker) -> None:
        self._registry.pids.discard(worker.pid)
        _kill(worker.pid, worker.conn)

    def _fork(self, adhoc: bool, generation, fork_lock) -> _Worker:
        parent_end, child_end = socket.socketpair()
        with fork_lock:
            current = generation()
            store = self._store()
            with warnings.catch_warnings():  # Python >= 3.12 warns about fork() with threads alive
                warnings.simplefilter("ignore", DeprecationWarning)
                pid = os.fork()
            if pid == 0:  # pragma: no cover - the child never returns
                try:
                    _serve(store, child_end.fileno(), self._registry.life_read, self._nice[adhoc])
                finally:
                    os._exit(0)
        child_end.close()
        self._registry.pids.add(pid)
        return _Worker(pid, Connection(parent_end.detach()), current, adhoc)

    def close(self) -> None:
        """Kill every worker."""
        with self._lock:
            idle = self._idle[False] + self._idle[True]
            self._idle = {False: [], True: []}
        for worker in idle:
            worker.conn.close()
        self._finalizer()
