"""A throwaway PostgreSQL for the tests: Debian's `postgresql` (initdb and pg_ctl on PATH, or
under /usr/lib/postgresql/*/bin), run as the `postgres` user when the tests run as root (the
server refuses root), on 127.0.0.1 with a free port and a private socket directory, fsync off
(a test that needs durability turns it on, tests/test_pg_failover.py). One cluster per test
session (conftest.py `pg_cluster`), one database per test (`pg_url`).

Without a server that can be started the PostgreSQL tests skip with one reason, and fail
under CI=true (`.ci/run` installs the package), so a green CI cannot hide a missing install.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

_NAMES = itertools.count(1)


def _tool(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PgCluster:
    """One initdb'd cluster, started; `database()` makes a fresh database and returns its URL."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="besponsa-pg-"))
        self.data = self.root / "data"
        self.sockets = self.root / "sockets"
        self.port = free_port()
        self.pg_ctl = _tool("pg_ctl")
        self.initdb = _tool("initdb")
        self._as: list[str] = []

    def start(self) -> None:
        """Raises RuntimeError with one line saying why the server cannot be started."""
        if self.initdb is None or self.pg_ctl is None:
            raise RuntimeError("initdb/pg_ctl not found (install Debian's postgresql package)")
        self.sockets.mkdir(parents=True)
        if os.geteuid() == 0:
            try:
                user = pwd.getpwnam("postgres")
            except KeyError:
                raise RuntimeError("running as root and there is no postgres user") from None
            for path in (self.root, self.sockets):
                os.chown(path, user.pw_uid, user.pw_gid)
            self._as = ["runuser", "-u", "postgres", "--"]
        self._call(
            [self.initdb, "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync"]
        )
        self.restart()

    def restart(self, *, fsync: bool = False) -> None:
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.sockets} "
            f"-c fsync={'on' if fsync else 'off'} -c max_connections=200"
        )
        self._call([str(self.pg_ctl), "-D", str(self.data), "-o", options, "-w", "start"])

    def stop(self, mode: str = "fast") -> None:
        self._call([str(self.pg_ctl), "-D", str(self.data), "-m", mode, "-w", "stop"])

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def database(self) -> str:
        import psycopg

        name = f"t{os.getpid()}_{next(_NAMES)}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    def _call(self, command: list[str]) -> None:
        log = self.root / "server.log"
        if command[0] == self.pg_ctl and "start" in command:
            command = [*command[:-1], "-l", str(log), "start"]
        result = subprocess.run(
            [*self._as, *command], capture_output=True, text=True, timeout=120, cwd=self.root
        )
        if result.returncode != 0:
            detail = (result.stderr or result.stdout).strip().splitlines()
            raise RuntimeError(f"{Path(command[0]).name} failed: {detail[-1] if detail else '?'}")


def start_cluster() -> PgCluster:
    cluster = PgCluster()
    try:
        cluster.start()
    except BaseException:
        cluster.close()
        raise
    return cluster
