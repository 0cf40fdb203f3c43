"""Real SPARQL servers for the tests: Oxigraph server and Virtuoso Open Source, each started in a
throw-away directory on free loopback ports, waited for, and stopped after.

``pytest.skip`` (with the reason printed by ``-ra``) only when the program is not installed;
a server that is installed but does not start is a test failure.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

READY_SECONDS = 60.0
STOP_SECONDS = 20.0
VIRTUOSO_PRIVATE_GROUP = "http://www.openlinksw.com/schemas/virtrdf#PrivateGraphs"


def free_port() -> int:
    """A TCP port nobody listens on right now (loopback)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(url: str) -> bool:
    query = urllib.parse.urlencode({"query": "ASK {}"})
    try:
        with urllib.request.urlopen(f"{url}?{query}", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


class Server:
    """A server process in ``directory``; subclasses say how to start it and where it answers."""

    name = "server"

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        self.process: subprocess.Popen | None = None
        self.log = directory / "server.log"

    def command(self) -> list[str]:
        raise NotImplementedError

    @property
    def query_url(self) -> str:
        raise NotImplementedError

    def settings(self, *, gsp: bool = False) -> dict[str, str]:
        """The ``store_*`` settings of the shnor-kg configuration for this server."""
        raise NotImplementedError

    def start(self) -> "Server":
        """Start the process and wait until the query endpoint answers."""
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(self.command(), cwd=self.directory, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + READY_SECONDS
        while not _answers(self.query_url):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.kill()
                tail = self.log.read_text("utf-8", "replace")[-2000:]
                raise RuntimeError(f"{self.name} did not start (see {self.log}):\n{tail}")
            time.sleep(0.05)
        return self

    def kill(self) -> None:
        """Kill the process at once (the fault tests' 'server died')."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(STOP_SECONDS)
        self.process = None

    def stop(self) -> None:
        """Stop the process cleanly (SIGTERM), killing it if it lingers."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(STOP_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(STOP_SECONDS)
        self.process = None


def oxigraph_program() -> str | None:
    """The ``oxigraph`` command of this virtual environment (the ``oxigraph`` package), or on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.is_file() and os.access(beside, os.X_OK) else shutil.which("oxigraph")


class OxigraphServer(Server):
    """``oxigraph serve`` with a RocksDB directory (data survives a restart)."""

    name = "Oxigraph server"

    def __init__(self, directory: Path, port: int | None = None) -> None:
        super().__init__(directory)
        self.port = port or free_port()
        self.program = oxigraph_program()

    def command(self) -> list[str]:
        return [self.program, "serve", "--location", str(self.directory / "data"), "--bind", f"127.0.0.1:{self.port}"]

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def query_url(self) -> str:
        return f"{self.base}/query"

    def settings(self, *, gsp: bool = False) -> dict[str, str]:
        settings = {"store": "sparql", "store_query_url": self.query_url, "store_update_url": f"{self.base}/update"}
        if gsp:
            settings["store_gsp_url"] = f"{self.base}/store"
        return settings


VIRTUOSO_INI = """\
[Database]
DatabaseFile       = {d}/virtuoso.db
ErrorLogFile       = {d}/virtuoso.log
LockFile           = {d}/virtuoso.lck
TransactionFile    = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {d}/virtuoso-temp.db
TransactionFile    = {d}/virtuoso-temp.trx
Striping           = 0

[Parameters]
ServerPort         = 127.0.0.1:{sql_port}
DisableUnixSocket  = 1
CheckpointInterval = 0
NumberOfBuffers    = 10000
MaxDirtyBuffers    = 6000
ThreadsPerQuery    = 2
DirsAllowed        = .

[HTTPServer]
ServerPort         = 127.0.0.1:{http_port}
ServerRoot         = {d}
ServerThreads      = 10
Charset            = UTF-8

[SPARQL]
ResultSetMaxRows           = 1000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime      = 0
"""


def virtuoso_programs() -> tuple[str, str] | None:
    """(virtuoso-t, isql) when Virtuoso Open Source is installed."""
    server = shutil.which("virtuoso-t")
    isql = shutil.which("isql-vt") or shutil.which("isql-v")
    return (server, isql) if server and isql else None


class VirtuosoServer(Server):
    """``virtuoso-t +foreground`` with its own database directory and ini file.

    After start-up the database's own graphs (the mapping schema ``virtrdf#``, ``ldp#``, the
    service description) are made private, so the anonymous ``/sparql`` user's default graph is
    exactly the graphs shnor-kg writes (README, section "Virtuoso"). Writes go through the
    digest-authenticated ``/sparql-auth`` and ``/sparql-graph-crud-auth`` as ``dba``.
    """

    name = "Virtuoso"

    def __init__(self, directory: Path) -> None:
        super().__init__(directory)
        self.http_port, self.sql_port = free_port(), free_port()
        self.program, self.isql = virtuoso_programs()
        ini = VIRTUOSO_INI.format(d=directory, sql_port=self.sql_port, http_port=self.http_port)
        (directory / "virtuoso.ini").write_text(ini, "utf-8")

    def command(self) -> list[str]:
        return [self.program, "+foreground", "+configfile", str(self.directory / "virtuoso.ini")]

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def query_url(self) -> str:
        return f"{self.base}/sparql"

    def settings(self, *, gsp: bool = False) -> dict[str, str]:
        settings = {
            "store": "sparql",
            "store_query_url": self.query_url,
            "store_update_url": f"{self.base}/sparql-auth",
            "store_user": "dba",
            "store_password": "dba",
            "store_auth": "digest",
        }
        if gsp:
            settings["store_gsp_url"] = f"{self.base}/sparql-graph-crud-auth"
        return settings

    def sql(self, statements: str) -> str:
        """Run SQL through isql as dba; raise on any error."""
        done = subprocess.run(
            [self.isql, f"127.0.0.1:{self.sql_port}", "dba", "dba", f"exec={statements}"],
            capture_output=True, text=True, timeout=60, check=False,
        )
        if done.returncode != 0 or "*** Error" in done.stdout + done.stderr:
            raise RuntimeError(f"isql failed: {done.stdout}{done.stderr}")
        return done.stdout

    def start(self) -> "VirtuosoServer":
        super().start()
        self.sql(HIDE_VIRTUOSO_GRAPHS)
        return self


# The README's recipe: every graph of a fresh database becomes private; the anonymous SPARQL user
# reads public graphs (every graph shnor-kg writes) and no private one.
HIDE_VIRTUOSO_GRAPHS = (
    f"DB.DBA.RDF_GRAPH_GROUP_CREATE ('{VIRTUOSO_PRIVATE_GROUP}', 1); "
    f"SELECT DB.DBA.RDF_GRAPH_GROUP_INS ('{VIRTUOSO_PRIVATE_GROUP}', id_to_iri (G)) FROM (SELECT DISTINCT G FROM DB.DBA.RDF_QUAD) AS graphs; "
    "DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 0, 1); "
    "DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 1, 0);"
)


def start_oxigraph(directory: Path) -> OxigraphServer:
    if oxigraph_program() is None:
        pytest.skip("Oxigraph server not installed (pip install oxigraph)")
    return OxigraphServer(directory).start()


def start_virtuoso(directory: Path) -> VirtuosoServer:
    if virtuoso_programs() is None:
        pytest.skip("Virtuoso Open Source not installed (apt-get install virtuoso-opensource)")
    return VirtuosoServer(directory).start()


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory):
    """One Oxigraph server for the session."""
    server = start_oxigraph(tmp_path_factory.mktemp("oxigraph"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory):
    """One Virtuoso for the session (start-up takes a few seconds)."""
    server = start_virtuoso(tmp_path_factory.mktemp("virtuoso"))
    yield server
    server.stop()
