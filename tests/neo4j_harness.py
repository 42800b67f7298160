"""A real Neo4j 5.26 Community server, and its real CSV bulk importer, for the tests.

Plain functions, no pytest fixtures, so conftest.py decides the scope:

    build_server()                            # tests/neo4j_server/build.sh (Maven); a no-op when built
    proc = start_server(port)                 # empty database, deleted at stop
    proc = start_server(port, data_dir=home)  # serves (and keeps) the database in the Neo4j home `home`
    stop_server(proc)
    kill_server(proc)                         # SIGKILL, as in a crash: no clean shutdown
    bulk_import(csv_dir, home)                # `neo4j-admin database import full`, into a fresh home

The server speaks Bolt on 127.0.0.1:port only (no HTTP), with authentication disabled:
`GraphDatabase.driver(f"bolt://127.0.0.1:{port}", auth=AUTH)` with AUTH = None. The database is the
default one, "neo4j". A data_dir / db_dir is a Neo4j home directory: the store is in
HOME/data/databases/neo4j and HOME/data/transactions/neo4j, logs in HOME/logs.

A home survives kill_server: start_server(port, data_dir=home) again (on the same port, if it is still
free) serves the same store, after Neo4j's recovery replays the committed transactions from the log.

The server stops when its stdin closes, so it cannot outlive the Python process that started it.
Needs `java` (17 or 21) on PATH (or KG_NEO4J_JAVA) and, for build_server, Maven with access to Maven Central.
"""

from __future__ import annotations

import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SERVER_DIR = Path(__file__).resolve().parent / "neo4j_server"
BUILD_SH = SERVER_DIR / "build.sh"
AUTH = None  # authentication is disabled in kg.Neo4jServer
DATABASE = "neo4j"

# Small and predictable on a 2-core machine; the --add-opens flags are the ones Neo4j's own launcher sets.
JVM_OPTS = [
    "-Xms128m",
    "-Xmx1g",
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Dlog4j2.disable.jmx=true",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
]


def _tail(text: str, lines: int = 60) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def _java() -> str:
    java = os.environ.get("KG_NEO4J_JAVA") or shutil.which("java")
    if not java:
        raise RuntimeError("java is not installed (Neo4j 5.26 needs Java 17 or 21)")
    return java


def _classpath() -> str:
    classes = SERVER_DIR / "target" / "classes"
    lib = SERVER_DIR / "target" / "lib"
    if not (classes / "kg" / "Neo4jServer.class").is_file() or not lib.is_dir():
        raise RuntimeError(f"the Neo4j test server is not built: call build_server() (runs {BUILD_SH})")
    return f"{classes}{os.pathsep}{lib}{os.sep}*"


def build_server() -> None:
    """Build tests/neo4j_server (skipped when already built from the same sources)."""
    try:
        res = subprocess.run(
            ["bash", str(BUILD_SH)],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=1800,
        )
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        raise RuntimeError(f"{BUILD_SH} timed out:\n{_tail(out)}") from e
    if res.returncode != 0:
        raise RuntimeError(
            f"{BUILD_SH} failed (exit {res.returncode}):\n{_tail(res.stdout + chr(10) + res.stderr, 80)}"
        )


def _read_log(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def start_server(port: int, data_dir: str | None = None, timeout: float = 120) -> subprocess.Popen:
    """Start kg.Neo4jServer on 127.0.0.1:port and wait for its READY line.

    Without data_dir the database lives in a temporary folder deleted at stop; with it, data_dir is a
    Neo4j home (created when missing) that is kept. Raises RuntimeError, with the tail of the server's
    stderr, when it dies or is not ready within `timeout` seconds.
    """
    cmd = [_java(), *JVM_OPTS, "-cp", _classpath(), "kg.Neo4jServer", "--port", str(int(port))]
    if data_dir is not None:
        cmd += ["--data", str(Path(data_dir).resolve())]
    fd, log_path = tempfile.mkstemp(prefix=f"kg-neo4j-{port}-", suffix=".log")
    with os.fdopen(fd, "wb") as log:
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log)
    proc.kg_log_path = log_path  # type: ignore[attr-defined]

    lines: queue.Queue[bytes] = queue.Queue()

    def reader() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:  # the server prints only the READY line; this ends at its exit
            lines.put(line)
        lines.put(b"")

    threading.Thread(target=reader, name=f"neo4j-{port}-stdout", daemon=True).start()
    want = f"READY bolt://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    seen: list[str] = []
    while True:
        try:
            line = lines.get(timeout=0.2).decode("utf-8", "replace").strip()
        except queue.Empty:
            line = None
        if line == want:
            return proc
        if line:
            seen.append(line)
        if line == "" or proc.poll() is not None:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                _kill(proc)
            err = _read_log(log_path)
            _discard(proc)
            raise RuntimeError(
                f"Neo4j on port {port} exited (code {proc.returncode}) before it was ready:\n"
                f"{_tail(chr(10).join(seen) + chr(10) + err)}"
            )
        if time.monotonic() > deadline:
            _kill(proc)
            err = _read_log(log_path)
            _discard(proc)
            raise RuntimeError(f"Neo4j on port {port} was not ready after {timeout:.0f} s:\n{_tail(err)}")


def _kill(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.kill()
        proc.wait(timeout=30)


def _discard(proc: subprocess.Popen) -> None:
    for stream in (proc.stdin, proc.stdout):
        try:
            if stream:
                stream.close()
        except OSError:
            pass
    path = getattr(proc, "kg_log_path", None)
    if path:
        Path(path).unlink(missing_ok=True)


def stop_server(proc: subprocess.Popen, timeout: float = 60) -> None:
    """Stop a server from start_server cleanly (closes its stdin; SIGTERM, then SIGKILL, if it lingers)."""
    if proc.poll() is None:
        try:
            if proc.stdin:
                proc.stdin.close()
        except OSError:
            pass
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                _kill(proc)
    _discard(proc)


def kill_server(proc: subprocess.Popen) -> None:
    """Kill a server from start_server at once with SIGKILL, as in a crash: no shutdown hook runs.

    Open Bolt connections are reset. Use it with a data_dir (a temporary home would be left behind):
    start_server(port, data_dir=home) then recovers and serves what was committed.
    """
    _kill(proc)
    _discard(proc)


def server_log(proc: subprocess.Popen) -> str:
    """What the server wrote to stderr so far (for a failing test's message)."""
    return _read_log(getattr(proc, "kg_log_path", ""))


def bulk_import(csv_dir: str, db_dir: str, timeout: float = 600) -> None:
    """Run the real `neo4j-admin database import full` on csv_dir/nodes_*.csv and rels_*.csv.

    db_dir is the Neo4j home to create (it must not hold a database "neo4j" yet); serve it afterwards with
    start_server(port, data_dir=db_dir). Raises RuntimeError with the importer's output on failure,
    bad rows included (none are skipped).
    """
    home = Path(db_dir).resolve()
    if (home / "data" / "databases" / DATABASE).exists():
        raise RuntimeError(f"{home} already holds a database {DATABASE!r}: import into a fresh folder")
    cmd = [
        _java(),
        *JVM_OPTS,
        "-cp",
        _classpath(),
        "kg.CsvImport",
        "--csv",
        str(Path(csv_dir).resolve()),
        "--into",
        str(home),
    ]
    try:
        res = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        raise RuntimeError(f"the Neo4j bulk import timed out after {timeout:.0f} s") from e
    if res.returncode != 0:
        report = home / "import.report"
        bad = report.read_text(encoding="utf-8", errors="replace") if report.is_file() else ""
        raise RuntimeError(
            f"the Neo4j bulk import failed (exit {res.returncode}):\n"
            f"{_tail(res.stdout + chr(10) + res.stderr, 60)}\n{_tail(bad, 30)}"
        )


@contextmanager
def imported_server(csv_dir: str, home: str, port: int) -> Iterator[str]:
    """Bulk-import `csv_dir` into a new store under `home`, serve it, and yield its Bolt URI."""
    bulk_import(csv_dir, home)
    proc = start_server(port, data_dir=home)
    try:
        yield f"bolt://127.0.0.1:{port}"
    finally:
        stop_server(proc)
