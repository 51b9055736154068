"""PostgreSQL as the warehouse: the same marts as DuckDB for the same story, an empty warehouse builds, one writer
at a time across processes, and the password never leaves the configuration."""

from __future__ import annotations

import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipelines.runner import load_account
from pipelines.transform import run_dbt
from pipelines.warehouse import Warehouse, open_warehouse
from sandbox.featurebase import generate_workspace
from tests.conftest import CLI, FB_KEY, cli_env
from tests.support.locks import release
from tests.support.sandboxes import serve
from tools.compare_marts import compare_published

pytestmark = pytest.mark.slow


def _story(sandbox: Any, warehouse: Warehouse) -> Path:
    """A backfill, a day of changes, a deletion and a reconcile; then dbt build and publish."""
    workspace = sandbox.workspace
    assert load_account(sandbox.account(), warehouse, as_of=workspace.now).ok
    workspace.advance(86_400)
    workspace.add_tickets(4)
    workspace.mutate_tickets(n=10, seed=2)
    workspace.close_tickets(4, seed=3)
    workspace.add_votes(30, seed=4)
    workspace.remove_votes(6, seed=5)
    workspace.add_comments(5, seed=6)
    assert load_account(sandbox.account(), warehouse, as_of=workspace.now).ok
    workspace.delete_post(sorted(workspace.feedback.posts)[3])
    workspace.delete_ticket(sorted(t["ticketNumber"] for t in workspace.truth()["tickets"].values())[5])
    assert load_account(sandbox.account(), warehouse, reconcile=True, as_of=workspace.now + timedelta(hours=1)).ok
    result = run_dbt(warehouse)
    assert not result.warnings, result.warnings
    return warehouse.publish()


def test_the_same_story_gives_the_same_mart_rows_on_both_engines(pg_warehouse: Warehouse, tmp_path: Path) -> None:
    duck = open_warehouse(tmp_path / "duck" / "warehouse.duckdb", "duckdb")
    published = {}
    for warehouse in (duck, pg_warehouse):
        # the same generated organisation for each engine, changed the same way
        workspace = generate_workspace(seed=17, tickets=80, org_id="org_same", posts=30)
        with serve("featurebase", {FB_KEY: workspace}) as sandbox:
            published[warehouse.engine] = _story(sandbox, warehouse)
    problems, identical = compare_published(published["duckdb"], published["postgres"])
    assert not problems, problems
    assert {"fct_tickets", "fct_ticket_events", "fct_csat", "fct_feedback", "fct_votes", "mart_support_daily"} <= set(
        identical
    )
    empty_here = {"fct_quarantine", "fct_roadmap_items"}  # nothing malformed; Featurebase has no roadmap
    assert all(rows > 0 for name, rows in identical.items() if name.startswith("fct_") and name not in empty_here)


def test_the_four_vendor_demo_story_gives_the_same_marts_on_both_engines(
    pg_warehouse: Warehouse, tmp_path: Path
) -> None:
    """Every vendor's backfill and daily changes (the demo's story, small), built and published on each engine."""
    from pipelines.demo import run_demo
    from pipelines.vendors import VENDOR_NAMES

    duck = open_warehouse(tmp_path / "duck" / "warehouse.duckdb", "duckdb")
    for warehouse in (duck, pg_warehouse):
        # force: the PostgreSQL database is this test's own fresh one (the CLI's demo is DuckDB only)
        summary = run_demo(warehouse, scale=10, days=1, force=True)
        assert summary.ok
    problems, identical = compare_published(duck.published_path, pg_warehouse.published_path)
    assert not problems, problems
    assert identical["build_warnings"] == 0 and identical["fct_quarantine"] == 0
    for mart in ("fct_tickets", "fct_feedback", "fct_votes", "fct_feedback_comments", "mart_feature_demand"):
        assert identical[mart] > 0, mart
    con = duckdb.connect(str(pg_warehouse.published_path), read_only=True)
    try:
        sources = {row[0] for row in con.execute("select distinct source_system from fct_feedback").fetchall()}
    finally:
        con.close()
    assert sources == set(VENDOR_NAMES)


def test_an_empty_postgres_warehouse_builds_every_mart_empty(pg_warehouse: Warehouse) -> None:
    pg_warehouse.validate()
    result = run_dbt(pg_warehouse)
    assert not result.warnings and not result.failures
    published = pg_warehouse.publish()
    con = duckdb.connect(str(published), read_only=True)
    try:
        tables = [row[0] for row in con.execute("select table_name from duckdb_tables() order by 1").fetchall()]
        counts = {table: con.execute(f'select count(*) from "{table}"').fetchone()[0] for table in tables}
    finally:
        con.close()
    assert {"fct_tickets", "fct_feedback", "mart_support_daily", "mart_feature_demand"} <= set(tables)
    assert set(counts.values()) == {0}


def test_two_writers_on_one_postgres_warehouse_one_waits_or_exits_3(
    postgres: Any, pg_warehouse: Warehouse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The advisory lock is per database, whichever machine runs: held by another process, a run exits 3 naming
    the holder, or waits with --wait."""
    import os
    import sys

    dsn = os.environ["DESTINATION__POSTGRES__CREDENTIALS"]
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys\nfrom pipelines.warehouse import open_warehouse\n"
            f"with open_warehouse({str(tmp_path / 'other' / 'warehouse.duckdb')!r}, 'postgres').lock():\n"
            "    print('locked', flush=True)\n    sys.stdin.readline()\n",
        ],
        env={**os.environ, "DESTINATION__POSTGRES__CREDENTIALS": dsn},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    workspace = generate_workspace(seed=4, tickets=20, org_id="org_lock", posts=5)
    try:
        with serve("featurebase", {FB_KEY: workspace}) as sandbox:
            env = cli_env(**sandbox.env(), DESTINATION__POSTGRES__CREDENTIALS=dsn)
            args = [CLI, "run", "--engine", "postgres", "--warehouse", str(pg_warehouse.anchor), "--no-transform"]
            busy = subprocess.run(args, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
            assert busy.returncode == 3, busy.stdout + busy.stderr
            assert f"pid {holder.pid}" in busy.stderr and "is writing postgres://" in busy.stderr
            waiter = subprocess.Popen(
                [*args, "--wait", "60"],
                env=env,
                cwd=tmp_path,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            assert waiter.stderr is not None and "waiting up to 60s" in waiter.stderr.readline()
            release(holder)
            assert waiter.wait(120) == 0
    finally:
        release(holder)
    assert pg_warehouse.query("select count(*) from featurebase.tickets") == [(20,)]


def test_the_password_never_leaves_the_configuration(
    postgres: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run, a failing connection and `status` never show the password: not in output, logs, dlt state, dbt
    files, the published file or any warehouse table."""
    password = "pg-secret-7d2f91c4a5"
    name, dsn = postgres.new_database(password=password)
    workspace = generate_workspace(seed=6, tickets=30, org_id="org_pw", posts=10)
    warehouse = tmp_path / "warehouse.duckdb"
    outputs = []
    with serve("featurebase", {FB_KEY: workspace}) as sandbox:
        env = cli_env(**sandbox.env(), DESTINATION__POSTGRES__CREDENTIALS=dsn)
        for args in (["run"], ["status"], ["--debug", "status"]):
            proc = subprocess.run(
                [CLI, *args, "--engine", "postgres", "--warehouse", str(warehouse)],
                env=env,
                cwd=tmp_path,
                capture_output=True,
                text=True,
                timeout=300,
            )
            assert proc.returncode == 0, proc.stdout + proc.stderr
            outputs.append(proc.stdout + proc.stderr)
        wrong = dsn.replace(password, password + "x")
        bad = subprocess.run(
            [CLI, "run", "--engine", "postgres", "--warehouse", str(warehouse)],
            env={**env, "DESTINATION__POSTGRES__CREDENTIALS": wrong},
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert bad.returncode == 2 and "password authentication failed" in bad.stderr
        outputs.append(bad.stdout + bad.stderr)
    assert all(password not in output for output in outputs)
    for path in tmp_path.rglob("*"):  # dlt state, dbt target and logs, the published file
        if path.is_file():
            assert password.encode() not in path.read_bytes(), f"password found in {path}"
    connection = postgres.connect(name)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "select table_schema, table_name, column_name from information_schema.columns "
                "where table_schema not in ('pg_catalog', 'information_schema') and data_type in ('text', 'jsonb', "
                "'json', 'character varying')"
            )
            for schema, table, column in cursor.fetchall():
                cursor.execute(
                    f'select count(*) from "{schema}"."{table}" where cast("{column}" as text) like %s',
                    [f"%{password}%"],
                )
                assert cursor.fetchone()[0] == 0, f"password in {schema}.{table}.{column}"
    finally:
        connection.close()
