"""The CLI as a user runs it: a subprocess against the sandbox, real DuckDB files, real dbt."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import duckdb
import pytest

from pipelines.runner import load_account
from tests.conftest import CLI, FB_KEY, FeaturebaseSandbox, assert_raw_matches_truth


def cli_env(sandbox_url: str, key: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOURCES__")}
    env.update(
        SOURCES__FEATUREBASE__API_KEY=key,
        SOURCES__FEATUREBASE__BASE_URL=sandbox_url,
        PYTHONUNBUFFERED="1",
        COLUMNS="200",
        **extra,
    )
    return env


def test_wrong_api_key_fails_with_one_line_and_never_shows_the_key(
    fb_sandbox: FeaturebaseSandbox, tmp_path: Path
) -> None:
    wrong = "fb_wrong_key_5f0c2d9e7a"
    warehouse = tmp_path / "warehouse.duckdb"
    proc = subprocess.run(
        [CLI, "run", "--warehouse", str(warehouse)],
        env=cli_env(fb_sandbox.url, wrong),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode != 0
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, proc.stderr
    assert "featurebase" in errors[0] and "401" in errors[0]
    assert "SOURCES__FEATUREBASE__API_KEY" in errors[0]
    assert "Traceback" not in proc.stderr
    assert wrong not in proc.stdout + proc.stderr
    for path in tmp_path.rglob("*"):  # warehouse, dlt state, traces, logs
        if path.is_file():
            assert wrong.encode() not in path.read_bytes(), f"key found in {path}"


def test_check_command_reports_good_and_bad_keys(fb_sandbox: FeaturebaseSandbox, tmp_path: Path) -> None:
    good = subprocess.run(
        [CLI, "check"], env=cli_env(fb_sandbox.url, FB_KEY), cwd=tmp_path, capture_output=True, text=True
    )
    assert good.returncode == 0 and "featurebase/default: ok" in good.stdout
    bad = subprocess.run(
        [CLI, "check"], env=cli_env(fb_sandbox.url, "nope-123"), cwd=tmp_path, capture_output=True, text=True
    )
    assert bad.returncode == 1 and "nope-123" not in bad.stdout + bad.stderr


@pytest.mark.parametrize("kill_at", ["normalize", "load"])
def test_run_killed_midway_is_recovered_by_the_next_run(
    fb_sandbox: FeaturebaseSandbox, tmp_path: Path, kill_at: str
) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    assert load_account(fb_sandbox.account(), warehouse).ok
    fb_sandbox.workspace.mutate_tickets(fraction=0.2, seed=10)  # the crashed run carries these changes
    proc = subprocess.Popen(
        [CLI, "run", "--warehouse", str(warehouse), "--no-transform"],
        env=cli_env(fb_sandbox.url, FB_KEY),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    seen = []
    assert proc.stdout is not None
    for line in proc.stdout:
        seen.append(line)
        if line.strip() == f"featurebase/default: {kill_at}":
            proc.send_signal(signal.SIGKILL)
            break
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL, "".join(seen)

    # the world moves on while the crashed package waits: the next run must load it *and* the new changes
    fb_sandbox.workspace.mutate_tickets(n=7, seed=11)
    result = load_account(fb_sandbox.account(), warehouse)

    assert result.ok, result.error
    if kill_at == "normalize":
        assert result.recovered_packages >= 1
    assert_raw_matches_truth(warehouse, fb_sandbox.workspace)


def test_demo_ends_with_marts_summary_and_a_readable_published_file(tmp_path: Path) -> None:
    warehouse = tmp_path / "demo" / "warehouse.duckdb"
    proc = subprocess.run(
        [CLI, "demo", "--warehouse", str(warehouse)],
        env={**cli_env("unused", "unused"), "COLUMNS": "200"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    for mart in ("fct_tickets", "fct_ticket_events", "fct_csat"):
        assert mart in out
    assert "CSAT: " in out and "%" in out
    assert "backfill" in out and "day 13" in out and "requests" in out  # requests per run
    published = warehouse.with_name("analytics.duckdb")
    con = duckdb.connect(str(published), read_only=True)
    try:
        tickets = con.execute("select count(*) from fct_tickets").fetchone()[0]
        events = con.execute("select count(*) from fct_ticket_events").fetchone()[0]
        positive, ratings = con.execute(
            "select count(*) filter (where is_positive), count(score) from fct_csat"
        ).fetchone()
        days = con.execute("select count(distinct date_day) from mart_feedback_votes_daily").fetchone()[0]
        net, current, baseline = con.execute(
            "select (select sum(net_change) from mart_feedback_votes_daily), "
            "(select sum(vote_count) from fct_feedback where not is_deleted), "
            "(select sum(delta) from fct_votes where event_kind = 'baseline')"
        ).fetchone()
        runs = con.execute("select count(distinct observed_at) from fct_votes").fetchone()[0]
    finally:
        con.close()
    # a backfill plus 13 daily runs: new tickets arrived, votes were cast and withdrawn on 14 distinct days
    assert tickets > 500 and events >= 5000 and ratings > 0
    assert days == 14 and runs == 14
    assert net == current - baseline and net != 0
    assert f"fct_tickets {tickets:,}" in out
    assert f"CSAT: {100.0 * positive / ratings:.1f}%" in out
