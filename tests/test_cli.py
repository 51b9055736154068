"""The CLI as a user runs it (a subprocess against the sandbox, real files): one-line errors with the fix and the
right exit code, fast failures for wrong URLs, every option a scheduled job uses, and `status`."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from pipelines.runner import load_account
from pipelines.warehouse import open_warehouse
from sandbox.featurebase import generate_workspace
from tests.conftest import CLI, FB_KEY, assert_raw_matches_truth, cli_env, query
from tests.support.sandboxes import Sandbox, serve


def run_cli(
    *args: str, env: dict[str, str] | None = None, cwd: Path, timeout: float = 300
) -> subprocess.CompletedProcess:
    return subprocess.run([CLI, *args], env=env or cli_env(), cwd=cwd, capture_output=True, text=True, timeout=timeout)


def one_error_line(proc: subprocess.CompletedProcess) -> str:
    """The single `error:` line a user mistake prints, with no traceback."""
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    return lines[0]


@pytest.fixture
def small_sandbox() -> Sandbox:
    with serve("featurebase", {FB_KEY: generate_workspace(seed=5, tickets=60, org_id="org_small", posts=20)}) as sb:
        yield sb


# -- usage and configuration mistakes: one line, exit 2 ------------------------------------------------------
def test_nothing_configured_or_an_unknown_vendor_is_exit_2(tmp_path: Path) -> None:
    for args in (["run"], ["check"], ["run", "--source", "zendesk"], ["check", "--source", "zendesk"]):
        proc = (
            run_cli(*args, "--warehouse", str(tmp_path / "w.duckdb"), cwd=tmp_path)
            if args[0] == "run"
            else run_cli(*args, cwd=tmp_path)
        )
        assert proc.returncode == 2, (args, proc.stderr)
        line = one_error_line(proc)
        if "zendesk" in args:
            assert "unknown vendor 'zendesk'" in line and "featurebase" in line
        else:
            assert "no account configured" in line and "SOURCES__FEATUREBASE__API_KEY" in line
    proc = run_cli("transform", "--warehouse", str(tmp_path / "missing.duckdb"), cwd=tmp_path)
    assert proc.returncode == 2 and "no warehouse at" in one_error_line(proc)


def test_a_malformed_secrets_file_is_one_line_and_debug_shows_the_traceback(tmp_path: Path) -> None:
    (tmp_path / ".dlt").mkdir()
    (tmp_path / ".dlt" / "secrets.toml").write_text('[sources.featurebase]\napi_key = "sk_live_oops\n')
    proc = run_cli("check", cwd=tmp_path)
    assert proc.returncode == 2
    line = one_error_line(proc)
    assert "secrets.toml" in line and "line 2" in line and "sk_live_oops" not in line
    debug = run_cli("--debug", "check", cwd=tmp_path)
    assert debug.returncode != 0 and "Traceback" in debug.stderr


def test_a_warehouse_that_is_not_duckdb_fails_before_extracting(small_sandbox: Sandbox, tmp_path: Path) -> None:
    not_duckdb = tmp_path / "warehouse.duckdb"
    not_duckdb.write_text("id,title\n1,hello\n")
    env = cli_env(**small_sandbox.env())
    for args in (["run"], ["status"], ["transform"]):
        proc = run_cli(*args, "--warehouse", str(not_duckdb), env=env, cwd=tmp_path)
        assert proc.returncode == 2, (args, proc.stdout, proc.stderr)
        assert "is not a DuckDB database" in one_error_line(proc)
    assert small_sandbox.app.request_counts() == {}  # nothing was extracted
    assert not_duckdb.read_text() == "id,title\n1,hello\n"


def test_a_warehouse_in_a_read_only_folder_is_one_line(small_sandbox: Sandbox) -> None:
    import shutil
    import tempfile

    # root writes anywhere: the run is made as an unprivileged user that may still read (CAP_DAC_READ_SEARCH,
    # not write) everything, so a checkout in a folder only root can enter (`mktemp -d`: 0700) still runs
    as_user = (
        [
            "setpriv",
            "--reuid=nobody",
            "--regid=nogroup",
            "--clear-groups",
            "--inh-caps=+dac_read_search",
            "--ambient-caps=+dac_read_search",
        ]
        if os.geteuid() == 0
        else []
    )
    base = Path(tempfile.mkdtemp(prefix="fw-readonly-"))
    try:
        base.chmod(0o777)
        folder = base / "readonly"
        folder.mkdir(mode=0o555)
        folder.chmod(0o555)
        proc = subprocess.run(
            [*as_user, CLI, "run", "--warehouse", str(folder / "warehouse.duckdb")],
            env=cli_env(**small_sandbox.env(), HOME=str(base)),
            cwd=base,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        shutil.rmtree(base, ignore_errors=True)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    line = one_error_line(proc)
    assert f"{folder} is not writable" in line and "--warehouse" in line
    assert small_sandbox.app.request_counts() == {}


def test_help_texts_state_defaults_and_options(tmp_path: Path) -> None:
    demo = run_cli("demo", "--help", cwd=tmp_path)
    assert "data/demo/warehouse.duckdb" in demo.stdout
    check = run_cli("check", "--help", cwd=tmp_path)
    assert "--source" in check.stdout and "only check this vendor" in check.stdout


# -- wrong URLs fail fast --------------------------------------------------------------------------------------
def test_a_bad_base_url_fails_fast_in_check_and_run(tmp_path: Path) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = cli_env(
        SOURCES__FEATUREBASE__API_KEY="fb_key_1234", SOURCES__FEATUREBASE__BASE_URL=f"http://127.0.0.1:{port}"
    )
    started = time.monotonic()
    check = run_cli("check", env=env, cwd=tmp_path)
    check_seconds = time.monotonic() - started
    assert check.returncode == 1 and check_seconds <= 5, check_seconds
    line = one_error_line(check)
    assert "featurebase" in line and f"127.0.0.1:{port}" in line and "connection refused" in line
    assert "SOURCES__FEATUREBASE__BASE_URL" in line and "fb_key_1234" not in check.stderr
    started = time.monotonic()
    run = run_cli("run", "--warehouse", str(tmp_path / "w.duckdb"), env=env, cwd=tmp_path)
    assert run.returncode == 1 and time.monotonic() - started < 20  # was ~64 s of retries
    assert [error for error in run.stderr.splitlines() if error.startswith("error:")] == [line]


def test_check_reports_good_and_bad_keys_without_showing_them(small_sandbox: Sandbox, tmp_path: Path) -> None:
    good = run_cli("check", env=cli_env(**small_sandbox.env()), cwd=tmp_path)
    assert good.returncode == 0 and f"featurebase/default: ok ({small_sandbox.base_url})" in good.stdout
    bad = run_cli("check", env=cli_env(**small_sandbox.env(key="nope-123")), cwd=tmp_path)
    assert bad.returncode == 1 and "401" in one_error_line(bad) and "nope-123" not in bad.stdout + bad.stderr


# -- the options a scheduled job uses ---------------------------------------------------------------------------
def test_as_of_reconcile_and_full_refresh_through_the_cli(small_sandbox: Sandbox, tmp_path: Path) -> None:
    warehouse = open_warehouse(tmp_path / "warehouse.duckdb", "duckdb")
    env = cli_env(**small_sandbox.env())
    first = run_cli("run", "--warehouse", str(warehouse.anchor), "--no-transform", "--as-of", "2026-05-01T10:30:00",
                    env=env, cwd=tmp_path)  # fmt: skip
    assert first.returncode == 0, first.stderr
    observed = query(warehouse, "select distinct cast(observed_at as varchar) from featurebase.vote_observations")
    assert observed == [("2026-05-01 10:30:00+00",)]  # a naive --as-of is UTC
    bad = run_cli("run", "--warehouse", str(warehouse.anchor), "--as-of", "yesterday", env=env, cwd=tmp_path)
    assert bad.returncode == 2 and "--as-of" in bad.stderr

    post = sorted(small_sandbox.workspace.feedback.posts)[0]
    small_sandbox.workspace.delete_post(post)
    reconcile = run_cli("run", "--warehouse", str(warehouse.anchor), "--no-transform", "--reconcile",
                        "--as-of", "2026-05-02", env=env, cwd=tmp_path)  # fmt: skip
    assert reconcile.returncode == 0, reconcile.stderr
    deleted = query(warehouse, "select entity, id from featurebase.deletions")
    assert [row for row in deleted if row[0] != "comment"] == [("post", post)]  # (its comments went with it)

    small_sandbox.app.reset_request_counts()
    refresh = run_cli("run", "--warehouse", str(warehouse.anchor), "--no-transform", "--full-refresh",
                      "--as-of", "2026-05-03", env=env, cwd=tmp_path)  # fmt: skip
    assert refresh.returncode == 0, refresh.stderr
    assert small_sandbox.app.request_counts()["GET /v2/tickets/{ticketNumber}"] == 60  # every ticket again
    assert_raw_matches_truth(warehouse, small_sandbox.workspace)


def test_wait_queues_behind_another_writer(small_sandbox: Sandbox, tmp_path: Path) -> None:
    """A run that finds the warehouse locked exits 3 at once, or waits with --wait and then runs."""
    from tests.support.locks import hold_lock, release

    warehouse = tmp_path / "warehouse.duckdb"
    env = cli_env(**small_sandbox.env())
    holder = hold_lock(warehouse)
    try:
        busy = run_cli("run", "--warehouse", str(warehouse), "--no-transform", env=env, cwd=tmp_path, timeout=60)
        assert busy.returncode == 3 and f"pid {holder.pid}" in one_error_line(busy)
        waiter = subprocess.Popen(
            [CLI, "run", "--warehouse", str(warehouse), "--no-transform", "--wait", "120"],
            env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert waiter.stderr is not None
        assert "waiting up to 120s" in waiter.stderr.readline()
        assert waiter.poll() is None  # still waiting while the lock is held
    finally:
        release(holder)
    assert waiter.wait(120) == 0
    assert_raw_matches_truth(open_warehouse(warehouse, "duckdb"), small_sandbox.workspace)


def test_a_failing_dbt_build_exits_1_and_keeps_the_published_file(small_sandbox: Sandbox, tmp_path: Path) -> None:
    import duckdb

    warehouse = open_warehouse(tmp_path / "warehouse.duckdb", "duckdb")
    env = cli_env(**small_sandbox.env())
    assert run_cli("run", "--warehouse", str(warehouse.anchor), env=env, cwd=tmp_path).returncode == 0
    before = warehouse.published_path.read_bytes()
    # a raw ticket without its creation time breaks an error-level data test of fct_tickets
    con = duckdb.connect(str(warehouse.anchor))
    con.execute(
        "insert into featurebase.tickets (id, source_account, ticket_number, updated_at, _dlt_load_id, _dlt_id) "
        "values ('broken', 'default', 999999, now(), '1', 'broken-row')"
    )
    con.close()
    proc = run_cli("transform", "--warehouse", str(warehouse.anchor), env=env, cwd=tmp_path)
    assert proc.returncode == 1
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith("error: dbt build failed") and "created_at" in errors[0]
    assert warehouse.published_path.read_bytes() == before


# -- status -----------------------------------------------------------------------------------------------------
def test_status_on_a_missing_an_empty_and_a_loaded_warehouse(small_sandbox: Sandbox, tmp_path: Path) -> None:
    missing = run_cli("status", "--warehouse", str(tmp_path / "none.duckdb"), cwd=tmp_path)
    assert missing.returncode == 0 and "No warehouse at" in missing.stdout
    empty = open_warehouse(tmp_path / "empty.duckdb", "duckdb")
    import duckdb

    duckdb.connect(str(empty.anchor)).close()
    nothing = run_cli("status", "--warehouse", str(empty.anchor), cwd=tmp_path)
    assert nothing.returncode == 0 and "nothing loaded yet" in nothing.stdout
    loaded = open_warehouse(tmp_path / "loaded.duckdb", "duckdb")
    assert load_account(small_sandbox.account(), loaded).ok
    status = run_cli("status", "--warehouse", str(loaded.anchor), cwd=tmp_path)
    assert status.returncode == 0, status.stderr
    assert "featurebase" in status.stdout and "tickets" in status.stdout and "60" in status.stdout
    assert "_staging" not in status.stdout and "Nothing published yet" in status.stdout
