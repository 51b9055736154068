"""A throwaway PostgreSQL server for the tests and the benchmarks: Debian's `postgresql` binaries, a fresh cluster
under a temp dir, a free port on 127.0.0.1, password authentication, stopped and removed at the end.

Tests that need a server start it (they never skip): `make test` installs the package. As root, the cluster runs as
the unprivileged `postgres` user (initdb refuses root).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "fw_admin"
SUPERUSER_PASSWORD = "fw-admin-pw-3c1d7e"


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}")) or (
        [shutil.which(name)] if shutil.which(name) else []
    )
    if not found:
        raise RuntimeError(
            f"PostgreSQL's {name} was not found: install Debian's postgresql package (`apt-get install postgresql`)"
        )
    return found[-1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_server_user() -> list[str]:
    return ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups"] if os.geteuid() == 0 else []


@dataclass
class PostgresServer:
    host: str
    port: int

    def dsn(self, database: str = "postgres", user: str = SUPERUSER, password: str = SUPERUSER_PASSWORD) -> str:
        return f"postgresql://{user}:{password}@{self.host}:{self.port}/{database}"

    def connect(self, database: str = "postgres"):  # noqa: ANN201 - psycopg2 connection
        import psycopg2

        connection = psycopg2.connect(self.dsn(database))
        connection.autocommit = True
        return connection

    def new_database(self, password: str | None = None) -> tuple[str, str]:
        """A fresh database owned by a fresh login role: (database name, its connection string)."""
        name = f"fw_{uuid.uuid4().hex[:10]}"
        password = password or f"pw-{uuid.uuid4().hex[:12]}"
        connection = self.connect()
        try:
            with connection.cursor() as cursor:
                cursor.execute(f"create role {name} login password %s", [password])
                cursor.execute(f"create database {name} owner {name}")
        finally:
            connection.close()
        return name, self.dsn(name, user=name, password=password)


@contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    root = Path(tempfile.mkdtemp(prefix="fw-postgres-"))
    data, sockets = root / "data", root / "sockets"
    sockets.mkdir()
    password_file = root / "pwfile"
    password_file.write_text(SUPERUSER_PASSWORD + "\n")
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
        for path in (sockets, password_file):
            shutil.chown(path, "postgres", "postgres")
    port = _free_port()
    run = _as_server_user()
    subprocess.run(
        [*run, _bin("initdb"), "-D", str(data), "-U", SUPERUSER, f"--pwfile={password_file}", "--auth=scram-sha-256",
         "--encoding=UTF8", "--no-sync"],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
    subprocess.run(
        [*run, _bin("pg_ctl"), "-D", str(data), "-o", options, "-l", str(root / "server.log"), "-w", "start"],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    server = PostgresServer("127.0.0.1", port)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                server.connect().close()
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield server
    finally:
        subprocess.run(
            [*run, _bin("pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], capture_output=True, text=True
        )
        shutil.rmtree(root, ignore_errors=True)
