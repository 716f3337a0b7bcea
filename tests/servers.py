"""Real SPARQL servers for the tests and the benchmark, each on free loopback ports in its own folder.

    with OxigraphServer(tmp_path) as server:      # `oxigraph serve` from the oxigraph package
        store = server.open()
    with VirtuosoServer(tmp_path) as server:      # Debian's virtuoso-t, with its own virtuoso.ini
        ...

A server is started, waited for until it answers a query, and stopped in ``__exit__`` (or ``stop``);
``kill`` stops it without a shutdown, ``start`` brings it back on the same data and ports.
Virtuoso's writes go to its authenticated endpoints (digest) as a user made for the run, with a
random password that is passed to the store through settings, never on a command line.
"""

from __future__ import annotations

import secrets
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from powkg.settings import Settings, load_settings
from powkg.store import Store, open_store

OXIGRAPH = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
VIRTUOSO = shutil.which("virtuoso-t")
ISQL = shutil.which("isql-vt") or shutil.which("isql")
NO_VIRTUOSO = "virtuoso-t is not installed (apt-get install virtuoso-opensource; .ci/run installs it)"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """A SPARQL server process on loopback; subclasses say how to start it and where it answers."""

    name = "server"
    start_seconds = 60.0

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.process: subprocess.Popen[bytes] | None = None
        self.environ: dict[str, str] = {}
        self.own_graphs: set[str] = set()         # graphs the server keeps for itself
        self.log = self.folder / "server.log"

    # -- what subclasses give -------------------------------------------------------------------
    @property
    def descriptor(self) -> str:
        raise NotImplementedError

    @property
    def query_url(self) -> str:
        raise NotImplementedError

    def command(self) -> list[str]:
        raise NotImplementedError

    def after_first_start(self) -> None:
        """Run once, when the server answers for the first time."""

    # -- life -----------------------------------------------------------------------------------
    def start(self) -> Server:
        first = self.process is None
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(self.command(), cwd=self.folder, stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL)
        try:
            self._wait_until_answering()
            if first:
                self.after_first_start()
        except BaseException:
            self.stop()                       # never left running behind a failed start
            raise
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def kill(self) -> None:
        """Stop at once, as a crash or a pulled plug would (SIGKILL)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def __enter__(self) -> Server:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _wait_until_answering(self) -> None:
        deadline = time.monotonic() + self.start_seconds
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                answer = httpx.post(self.query_url, data={"query": "ASK {}"}, timeout=2,
                                    headers={"Accept": "application/sparql-results+json"})
                if answer.status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.kill()
        raise RuntimeError(f"{self.name} did not answer within {self.start_seconds:g} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:]) if self.log.exists() else ""

    # -- use ------------------------------------------------------------------------------------
    def settings(self, **flags: object) -> Settings:
        return load_settings({"store": self.descriptor, **flags}, environ=self.environ)

    def open(self, **flags: object) -> Store:
        settings = self.settings(**flags)
        return open_store(settings.store, settings=settings)

    def graphs(self) -> set[str]:
        """Every non-empty graph on the server, powkg's or not."""
        # GROUP BY, not DISTINCT: Virtuoso 7.2 takes minutes over SELECT DISTINCT ?g of every graph.
        answer = httpx.post(self.query_url, timeout=30, headers={"Accept": "application/sparql-results+json"},
                            data={"query": "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"})
        answer.raise_for_status()
        return {row["g"]["value"] for row in answer.json()["results"]["bindings"]}

    def clear(self) -> None:
        """Drop every graph the tests wrote (a server's own graphs stay)."""
        raise NotImplementedError


class OxigraphServer(Server):
    """`oxigraph serve` on disk: /query, /update and /store (its Graph Store Protocol endpoint)."""

    name = "Oxigraph server"

    def __init__(self, folder: Path) -> None:
        super().__init__(folder)
        if OXIGRAPH is None:
            raise RuntimeError("the oxigraph command is missing: pip install oxigraph")
        self.port = free_port()

    @property
    def descriptor(self) -> str:
        return f"sparql+http://127.0.0.1:{self.port}/query"

    @property
    def query_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/query"

    def command(self) -> list[str]:
        assert OXIGRAPH is not None
        return [OXIGRAPH, "serve", "--location", str(self.folder / "data"), "--bind", f"127.0.0.1:{self.port}"]

    def clear(self) -> None:
        httpx.post(f"http://127.0.0.1:{self.port}/update", data={"update": "DROP ALL"}, timeout=30).raise_for_status()


VIRTUOSO_INI = """\
; A Virtuoso for one test run: loopback only, in its own folder.
[Database]
DatabaseFile       = virtuoso.db
ErrorLogFile       = virtuoso.log
LockFile           = virtuoso.lck
TransactionFile    = virtuoso.trx
xa_persistent_file = virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = virtuoso-temp.db
TransactionFile    = virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort           = 127.0.0.1:{sql_port}
DisableUnixSocket    = 1
MaxClientConnections = 10
CheckpointInterval   = 60
CaseMode             = 2
DirsAllowed          = .
NumberOfBuffers      = {buffers}
MaxDirtyBuffers      = {dirty_buffers}

[HTTPServer]
ServerPort           = 127.0.0.1:{http_port}
ServerRoot           = .
ServerThreads        = 10
MaxClientConnections = 10
EnabledDavVSP        = 0
Charset              = UTF-8

[SPARQL]
; Debian's default of 10000 rows would cut graphs and answers short without an error.
ResultSetMaxRows           = 10000000
MaxQueryExecutionTime      = 0
MaxQueryCostEstimationTime = 0
"""


class VirtuosoServer(Server):
    """virtuoso-t with anonymous queries at /sparql and authenticated (digest) writes."""

    name = "Virtuoso"

    def __init__(self, folder: Path, *, buffers: int = 20_000) -> None:
        super().__init__(folder)
        if VIRTUOSO is None or ISQL is None:
            raise RuntimeError(NO_VIRTUOSO)
        self.http_port, self.sql_port = free_port(), free_port()
        self.buffers = buffers
        (self.folder / "virtuoso.ini").write_text(VIRTUOSO_INI.format(
            sql_port=self.sql_port, http_port=self.http_port, buffers=buffers, dirty_buffers=buffers * 3 // 4))

    @property
    def descriptor(self) -> str:
        return (f"sparql+http://127.0.0.1:{self.http_port}/sparql"
                "?update=sparql-auth&store=sparql-graph-crud-auth&auth=digest")

    @property
    def query_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql"

    def command(self) -> list[str]:
        assert VIRTUOSO is not None
        return [VIRTUOSO, "+foreground", "+configfile", str(self.folder / "virtuoso.ini")]

    def after_first_start(self) -> None:
        # A user for powkg with the SPARQL_UPDATE role, and a dba password nobody knows. The commands
        # go to isql on standard input; only the new database's well-known "dba" is an argument.
        password = secrets.token_urlsafe(16)
        script = (f"DB.DBA.USER_CREATE ('powkg', '{password}');\n"
                  'GRANT SPARQL_UPDATE TO "powkg";\n'
                  f"DB.DBA.USER_CHANGE_PASSWORD ('dba', 'dba', '{secrets.token_urlsafe(16)}');\n")
        assert ISQL is not None
        done = subprocess.run([ISQL, f"127.0.0.1:{self.sql_port}", "dba", "dba"], input=script.encode(),
                              capture_output=True, timeout=60, cwd=self.folder)
        said = (done.stdout + done.stderr).decode(errors="replace")     # isql writes its errors to stderr
        if done.returncode != 0 or "Error" in said:
            raise RuntimeError(f"isql could not set Virtuoso up: {said[-2000:]}")
        self.environ = {"POWKG_STORE_USER": "powkg", "POWKG_STORE_PASSWORD": password}
        self.own_graphs = self.graphs()

    def clear(self) -> None:
        # Never DROP ALL here: Virtuoso keeps its own configuration in graphs (virtrdf:).
        store = self.open()
        try:
            for graph in sorted(self.graphs() - self.own_graphs):
                store.drop_graph(graph)
        finally:
            store.close()
