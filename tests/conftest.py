"""Shared fixtures: sandbox vendor APIs on 127.0.0.1 (real HTTP), throwaway warehouses, the CLI as a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipelines.warehouse import Warehouse, open_warehouse
from sandbox.featurebase import generate_workspace
from tests.support.sandboxes import Sandbox, serve
from tests.vendors.base import driver

FB_KEY = "fb_test_key_a"
FB_KEY_B = "fb_test_key_b"
CLI = str(Path(sys.executable).with_name("feedback-warehouse"))

os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")


@pytest.fixture
def fb_sandbox() -> Iterator[Sandbox]:
    """One Featurebase organisation: 500 tickets, >= 5,000 conversation parts, 150 posts."""
    with serve("featurebase", {FB_KEY: generate_workspace(seed=7, tickets=500, org_id="org_a")}) as sandbox:
        yield sandbox


@pytest.fixture
def warehouse(tmp_path: Path) -> Warehouse:
    """A DuckDB warehouse in the test's own folder (nothing created until something loads)."""
    return open_warehouse(tmp_path / "wh" / "warehouse.duckdb", "duckdb")


def query(target: Path | Warehouse, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    """Read-only query on a warehouse (any engine) or a DuckDB file (a published analytics.duckdb)."""
    if isinstance(target, Warehouse):
        return target.query(sql, params or [])
    con = duckdb.connect(str(target), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def assert_raw_matches_truth(warehouse: Warehouse, workspace: Any, account: str = "default") -> None:
    """Featurebase: every ticket, its status and part count, every CSAT score, every post's upvotes and latest
    voter set, every comment equal the stand-in's ground truth."""
    fb = driver("featurebase")
    assert fb.raw_loaded(warehouse, account) == fb.raw_truth(workspace)


def cli_env(**extra: str) -> dict[str, str]:
    """This process's environment without any vendor configuration, plus `extra` (how a user runs the CLI)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOURCES__", "FEEDBACK_WAREHOUSE"))}
    env.update(PYTHONUNBUFFERED="1", COLUMNS="200", **extra)
    return env


@dataclass(frozen=True)
class DemoRun:
    """One `feedback-warehouse demo` of the session, as a user runs it (off a terminal). Read-only for tests:
    a test that needs to change it copies the warehouse first."""

    warehouse: Path
    published: Path
    stdout: str
    stderr: str
    returncode: int


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    folder = tmp_path_factory.mktemp("demo")
    warehouse = folder / "demo" / "warehouse.duckdb"
    proc = subprocess.run(
        [CLI, "demo", "--warehouse", str(warehouse)],
        env=cli_env(),
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return DemoRun(warehouse, warehouse.with_name("analytics.duckdb"), proc.stdout, proc.stderr, proc.returncode)


@pytest.fixture(scope="session")
def postgres() -> Iterator[Any]:
    """A throwaway PostgreSQL server for the session (started on first use; tests never skip without one)."""
    from tools.postgres_server import postgres_server

    with postgres_server() as server:
        yield server


@pytest.fixture
def pg_warehouse(postgres: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Warehouse:
    """A PostgreSQL warehouse in a fresh database (credentials the dlt way, in the environment)."""
    _, dsn = postgres.new_database()
    monkeypatch.setenv("DESTINATION__POSTGRES__CREDENTIALS", dsn)
    return open_warehouse(tmp_path / "wh" / "warehouse.duckdb", "postgres")


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One temporary Prefect API for the whole session (it takes ~25 s to start here)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--reverse-order",
        action="store_true",
        help="run the tests in reverse file order (with -p no:randomly): proves no test leans on an earlier one",
    )


#: tests sharing one of these session fixtures run on one xdist worker (`--dist loadgroup`), so the fixture is
#: set up once per session, not once per worker: the demo takes ~60 s, Prefect's test server ~25 s
_SHARED_SESSION_FIXTURES = ("demo_run", "prefect_harness")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--reverse-order"):
        items.reverse()
    for item in items:
        for fixture in _SHARED_SESSION_FIXTURES:
            if fixture in getattr(item, "fixturenames", ()):
                item.add_marker(pytest.mark.xdist_group(fixture))
