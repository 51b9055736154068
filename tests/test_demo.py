"""`feedback-warehouse demo`: the story every registered vendor tells, its output off a terminal, the published
file a BI tool with an older DuckDB can open, and a reset that only ever removes what the demo created."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines.vendors import VENDOR_NAMES
from tests.conftest import CLI, DemoRun, cli_env

pytestmark = pytest.mark.slow


def test_the_demo_tells_a_story_for_every_vendor_and_publishes(demo_run: DemoRun) -> None:
    out = demo_run.stdout
    # off a terminal every progress line names its day, so the story reads instead of repeating itself
    for vendor in VENDOR_NAMES:
        assert f"backfill: {vendor}/default: extract" in out
        assert f"day 13: {vendor}/default: done" in out
    assert "Runs" in out and "Accounts (all runs)" in out and "Rows loaded per table" in out
    lines = out.splitlines()
    published = next(i for i, line in enumerate(lines) if line.startswith("Published: "))
    metric_lines = [
        i for i, line in enumerate(lines) if line.startswith(("Marts:", "CSAT (all time):", "Median first"))
    ]
    assert metric_lines and max(metric_lines) < published  # the file is named after the figures, not between them
    assert "warning:" not in demo_run.stderr  # the demo builds with zero dbt warnings
    con = duckdb.connect(str(demo_run.published), read_only=True)
    try:
        sources = {row[0] for row in con.execute("select distinct source_system from fct_feedback").fetchall()}
        positive, ratings = con.execute(
            "select count(*) filter (where is_positive), count(score) from fct_csat where not is_deleted"
        ).fetchone()
        days = con.execute("select count(distinct date_day) from mart_feedback_votes_daily").fetchone()[0]
        warnings = con.execute("select count(*) from build_warnings").fetchone()[0]
    finally:
        con.close()
    assert days >= 14 and warnings == 0
    assert sources == {v for v in VENDOR_NAMES if v in sources} and "featurebase" in sources
    assert f"CSAT (all time): {100.0 * positive / ratings:.1f}% ({ratings:,} ratings)" in out


def test_the_published_file_opens_in_an_older_duckdb(demo_run: DemoRun, tmp_path: Path) -> None:
    """BI drivers bundle DuckDB 1.x: the published file is written in the v1.1 storage format and a DuckDB 1.1.3
    client (installed into a throwaway venv here) reads every mart."""
    con = duckdb.connect(str(demo_run.published), read_only=True)
    try:
        tags = con.execute("select tags from duckdb_databases() where database_name = current_database()").fetchone()
        tables = [row[0] for row in con.execute("select table_name from duckdb_tables() order by 1").fetchall()]
    finally:
        con.close()
    assert tags[0]["storage_version"] == "v1.0.0+"
    uv = Path(sys.executable).with_name("uv")
    venv = tmp_path / "old-duckdb"
    subprocess.run([str(uv), "venv", "-q", "--python", sys.executable, str(venv)], check=True)
    subprocess.run(
        [str(uv), "pip", "install", "-q", "--python", str(venv / "bin" / "python"), "duckdb==1.1.3"], check=True
    )
    script = (
        "import sys, duckdb\n"
        "con = duckdb.connect(sys.argv[1], read_only=True)\n"
        "print(duckdb.__version__, con.execute('select count(*) from duckdb_tables()').fetchone()[0])\n"
        "print(con.execute('select count(*) from fct_tickets').fetchone()[0])\n"
    )
    proc = subprocess.run(
        [str(venv / "bin" / "python"), "-c", script, str(demo_run.published)], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    version, count = proc.stdout.splitlines()[0].split()
    assert version == "1.1.3" and int(count) == len(tables) and int(proc.stdout.splitlines()[1]) > 0


def _demo(*args: str, cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [CLI, "demo", "--scale", "20", "--days", "1", *args],
        env=cli_env(),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_the_demo_only_ever_removes_what_it_created(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    real = folder / "warehouse.duckdb"
    con = duckdb.connect(str(real))
    con.execute("create table precious as select 42 as answer")
    con.close()
    siblings = {
        folder / "analytics.duckdb": b"the published marts of warehouse.duckdb",
        folder / "warehouse.duckdb.bak": b"a backup",
        folder / "warehouse-notes.txt": b"notes",
        folder / "demo.duckdb.bak": b"a backup named like the demo",
    }
    for path, content in siblings.items():
        path.write_bytes(content)

    refused = _demo("--warehouse", str(real), cwd=tmp_path)
    assert refused.returncode == 2
    errors = [line for line in refused.stderr.splitlines() if line.strip()]
    assert len(errors) == 1 and "was not created by the demo" in errors[0] and "--force" in errors[0]

    demo = folder / "demo.duckdb"
    first = _demo("--warehouse", str(demo), cwd=tmp_path)
    assert first.returncode == 0, first.stdout[-2000:] + first.stderr[-2000:]
    again = _demo("--warehouse", str(demo), cwd=tmp_path)  # its own warehouse: replaced without --force
    assert again.returncode == 0, again.stderr[-2000:]
    assert (folder / "demo.analytics.duckdb").exists()  # tied to its warehouse: the other published file is kept
    for path, content in siblings.items():
        assert path.read_bytes() == content, path
    con = duckdb.connect(str(real), read_only=True)
    assert con.execute("select answer from precious").fetchall() == [(42,)]
    con.close()

    forced = _demo("--warehouse", str(real), "--force", cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr[-2000:]
    for path, content in siblings.items():
        if path.name != "analytics.duckdb":  # the replaced warehouse's own published file is replaced with it
            assert path.read_bytes() == content, path


def test_the_demo_keeps_its_lock_so_a_concurrent_run_waits_its_turn(tmp_path: Path) -> None:
    warehouse = tmp_path / "demo" / "warehouse.duckdb"
    demo = subprocess.Popen(
        [CLI, "demo", "--scale", "20", "--days", "2", "--warehouse", str(warehouse)],
        env=cli_env(),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert demo.stdout is not None
    seen = []
    for line in demo.stdout:
        seen.append(line)
        if re.match(r"day 1: \w+/default: extract", line.strip()):
            break
    lock = warehouse.with_name("warehouse.duckdb.lock")
    assert lock.exists()
    run = subprocess.run(
        [CLI, "run", "--warehouse", str(warehouse), "--no-transform"],
        env=cli_env(SOURCES__FEATUREBASE__API_KEY="k", SOURCES__FEATUREBASE__BASE_URL="http://127.0.0.1:9"),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    seen.extend(demo.stdout)
    assert demo.wait(600) == 0, "".join(seen)[-3000:]
    assert run.returncode == 3 and f"pid {demo.pid}" in run.stderr
    assert lock.exists()
