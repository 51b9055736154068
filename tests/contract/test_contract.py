"""The contract every registered vendor passes against its own stand-in, through the real HTTP client, dlt and
the warehouse: loads equal the stand-in's truth through changes, faults and crashes; a no-change run costs the
minimum; broken records are quarantined; keys never leak; accounts stay apart; and the marts equal figures
computed independently from the stand-in's payloads (tests/truth)."""

from __future__ import annotations

import signal
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from pipelines.runner import load_account
from pipelines.transform import run_dbt
from pipelines.vendors import VENDOR_NAMES, get_vendor
from pipelines.warehouse import Warehouse
from tests.conftest import CLI, cli_env
from tests.support.sandboxes import Sandbox, serve
from tests.support.warehouses import raw_query
from tests.truth import compare
from tests.vendors.base import VendorDriver, driver

pytestmark = pytest.mark.parametrize("vendor", VENDOR_NAMES)


@pytest.fixture
def vendor_driver(vendor: str) -> VendorDriver:
    return driver(vendor)


def _sandbox(vendor_driver: VendorDriver, seed: int = 3, accounts: int = 1) -> Any:
    workspaces = {vendor_driver.keys[i]: vendor_driver.generate(seed, f"acct_{'ab'[i]}") for i in range(accounts)}
    return serve(vendor_driver.name, workspaces, **vendor_driver.app_options)


def _load(sandbox: Sandbox, warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch, **kwargs: Any) -> Any:
    for name, value in sandbox_driver_env(sandbox).items():
        monkeypatch.setenv(name, value)
    result = load_account(
        sandbox.account(kwargs.pop("account", "default"), kwargs.pop("key", None)), warehouse, **kwargs
    )
    assert result.ok, result.error
    return result


def sandbox_driver_env(sandbox: Sandbox) -> dict[str, str]:
    return driver(sandbox.vendor).env


def _detail_requests(sandbox: Sandbox, vendor_driver: VendorDriver) -> int:
    counts = sandbox.app.request_counts()
    return sum(counts.get(route, 0) for route in vendor_driver.detail_routes)


def test_full_load_equals_the_stand_ins_truth(
    vendor: str, vendor_driver: VendorDriver, warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    with _sandbox(vendor_driver) as sandbox:
        result = _load(sandbox, warehouse, monkeypatch)
        assert vendor_driver.raw_loaded(warehouse, "default") == vendor_driver.raw_truth(sandbox.workspace)
        counts = sandbox.app.request_counts()
    assert set(counts) - {"UNMATCHED"} <= vendor_driver.list_routes | vendor_driver.detail_routes
    assert "UNMATCHED" not in counts
    assert result.requests["requests"] == sum(counts.values())
    assert result.quarantined == 0


def test_a_no_change_run_makes_the_minimum_requests_and_no_detail_calls(
    vendor: str, vendor_driver: VendorDriver, warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    with _sandbox(vendor_driver) as sandbox:
        _load(sandbox, warehouse, monkeypatch)
        sandbox.app.reset_request_counts()
        second = _load(sandbox, warehouse, monkeypatch)
        counts = sandbox.app.request_counts()
        assert counts == vendor_driver.no_change_requests(sandbox.workspace)
        assert second.rows == {}  # nothing new: the hourly run's build plan then runs no dbt at all
        assert _detail_requests(sandbox, vendor_driver) == 0
        assert vendor_driver.raw_loaded(warehouse, "default") == vendor_driver.raw_truth(sandbox.workspace)


def test_changes_and_deletions_then_runs_equal_the_truth(
    vendor: str, vendor_driver: VendorDriver, warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    with _sandbox(vendor_driver) as sandbox:
        workspace = sandbox.workspace
        _load(sandbox, warehouse, monkeypatch, as_of=workspace.now)
        vendor_driver.mutate(workspace, seed=11)
        _load(sandbox, warehouse, monkeypatch, as_of=workspace.now)
        assert vendor_driver.raw_loaded(warehouse, "default") == vendor_driver.raw_truth(workspace)
        vendor_driver.delete_some(workspace, seed=5)
        _load(sandbox, warehouse, monkeypatch, reconcile=True, as_of=workspace.now + timedelta(hours=1))
        assert vendor_driver.raw_loaded(warehouse, "default") == vendor_driver.raw_truth(workspace)


def test_429_with_retry_after_and_5xx_bursts_lose_and_duplicate_nothing(
    vendor: str, vendor_driver: VendorDriver, warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    with _sandbox(vendor_driver) as sandbox:
        faults = sandbox.app.faults
        routes = sorted(vendor_driver.list_routes)
        faults.inject("status", endpoint=routes[0], status=429, retry_after=1, times=1)
        faults.inject("status", endpoint=routes[-1], status=503, times=3)
        faults.inject("truncate", endpoint=routes[0], times=1, after=1)
        for route in sorted(vendor_driver.detail_routes)[:1]:
            faults.inject("status", endpoint=route, status=502, times=2, after=3)
        result = _load(sandbox, warehouse, monkeypatch)
        statuses = sandbox.app.status_counts()
        assert statuses.get(429) == 1 and statuses.get(503) == 3
        assert result.requests["retries"] >= 5
        assert vendor_driver.raw_loaded(warehouse, "default") == vendor_driver.raw_truth(sandbox.workspace)


def test_a_run_killed_during_load_is_recovered_by_the_next_run(
    vendor: str, vendor_driver: VendorDriver, warehouse: Warehouse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    with _sandbox(vendor_driver) as sandbox:
        workspace = sandbox.workspace
        _load(sandbox, warehouse, monkeypatch, as_of=workspace.now)
        vendor_driver.mutate(workspace, seed=21)  # the crashed run carries these changes
        engine_env = {k: v for k, v in os.environ.items() if k == "DESTINATION__POSTGRES__CREDENTIALS"}
        env = cli_env(**sandbox.env(), **vendor_driver.env, **engine_env)
        command = [CLI, "run", "--source", vendor, "--warehouse", str(warehouse.anchor), "--no-transform"]
        proc = subprocess.Popen(
            [*command, "--engine", warehouse.engine],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        seen = []
        assert proc.stdout is not None
        for line in proc.stdout:
            seen.append(line)
            if line.strip() == f"{vendor}/default: load":
                proc.send_signal(signal.SIGKILL)
                break
        proc.wait(timeout=120)
        assert proc.returncode == -signal.SIGKILL, "".join(seen)
        sandbox.app.reset_request_counts()

        result = _load(sandbox, warehouse, monkeypatch, as_of=workspace.now + timedelta(minutes=5))

        # the crashed run's package was loaded as it was, not extracted again: its records needed no detail calls
        assert result.recovered_packages >= 1
        assert _detail_requests(sandbox, vendor_driver) == 0
        assert vendor_driver.raw_loaded(warehouse, "default") == vendor_driver.raw_truth(workspace)


def test_a_record_that_cannot_be_loaded_is_quarantined_with_its_reason(
    vendor: str, vendor_driver: VendorDriver, warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    with _sandbox(vendor_driver) as sandbox:
        _load(sandbox, warehouse, monkeypatch)
        expected = vendor_driver.inject_malformed(sandbox.workspace)
        result = _load(sandbox, warehouse, monkeypatch)
        assert result.quarantined == expected
        rows = raw_query(warehouse, f"select vendor, endpoint, reason, payload from {vendor}.quarantine")
        assert len(rows) == expected
        assert all(v == vendor and endpoint and reason and payload for v, endpoint, reason, payload in rows)
        assert vendor_driver.raw_loaded(warehouse, "default") == vendor_driver.raw_truth(sandbox.workspace)


def test_an_unknown_field_becomes_a_column(
    vendor: str, vendor_driver: VendorDriver, warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    with _sandbox(vendor_driver) as sandbox:
        _load(sandbox, warehouse, monkeypatch)
        table, column, expected = vendor_driver.add_unknown_field(sandbox.workspace)
        _load(sandbox, warehouse, monkeypatch)
        filled = raw_query(warehouse, f'select count(*) from {vendor}."{table}" where "{column}" is not null')
        assert filled == [(expected,)] and expected > 0
        assert vendor_driver.raw_loaded(warehouse, "default") == vendor_driver.raw_truth(sandbox.workspace)


def test_a_wrong_key_is_one_line_naming_the_vendor_and_never_shows_the_key(
    vendor: str, vendor_driver: VendorDriver, tmp_path: Path
) -> None:
    wrong = f"{vendor[:2]}_wrong_key_5f0c2d9e7a"
    with _sandbox(vendor_driver) as sandbox:
        proc = subprocess.run(
            [CLI, "run", "--source", vendor, "--warehouse", str(tmp_path / "warehouse.duckdb")],
            env=cli_env(**sandbox.env(key=wrong), **vendor_driver.env),
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(errors) == 1 and errors[0].startswith(f"error: {vendor} (account default):"), proc.stderr
    assert f"{get_vendor(vendor).env_prefix}__API_KEY" in errors[0]
    assert "Traceback" not in proc.stderr
    assert wrong not in proc.stdout + proc.stderr
    for path in tmp_path.rglob("*"):  # warehouse, dlt state, traces, logs
        if path.is_file():
            assert wrong.encode() not in path.read_bytes(), f"key found in {path}"


def test_two_accounts_with_overlapping_ids_stay_apart(
    vendor: str, vendor_driver: VendorDriver, warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    with _sandbox(vendor_driver, accounts=2) as sandbox:
        first, second = sandbox.workspaces.values()
        _load(sandbox, warehouse, monkeypatch, account="default", key=vendor_driver.keys[0])
        _load(sandbox, warehouse, monkeypatch, account="acme", key=vendor_driver.keys[1])
        assert vendor_driver.raw_loaded(warehouse, "default") == vendor_driver.raw_truth(first)
        assert vendor_driver.raw_loaded(warehouse, "acme") == vendor_driver.raw_truth(second)


@pytest.mark.slow
def test_the_marts_equal_figures_computed_independently_from_the_payloads(
    vendor: str, vendor_driver: VendorDriver, warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Backfill, a day of changes, deletions and a reconcile; then every figure of the marts for this vendor
    equals what tests/truth computes from the stand-in's payloads with its own reading of the contract."""
    with _sandbox(vendor_driver) as sandbox:
        workspace = sandbox.workspace
        _load(sandbox, warehouse, monkeypatch, as_of=workspace.now)
        vendor_driver.mutate(workspace, seed=31)
        _load(sandbox, warehouse, monkeypatch, as_of=workspace.now)
        vendor_driver.delete_some(workspace, seed=7)
        _load(sandbox, warehouse, monkeypatch, reconcile=True, as_of=workspace.now + timedelta(hours=1))
        tickets = vendor_driver.truth_tickets(workspace, "default")
        feedback = vendor_driver.truth_feedback(workspace, "default")
    result = run_dbt(warehouse)
    # warnings are the vendor's deliberate hard cases (an unknown status value), each expected one and no other
    unexpected = [w for w in result.warnings if not any(name in w for name in vendor_driver.expected_dbt_warnings)]
    assert not unexpected, unexpected
    missing = [name for name in vendor_driver.expected_dbt_warnings if not any(name in w for w in result.warnings)]
    assert not missing, f"expected warnings did not fire: {missing}"
    published = warehouse.publish()
    assert tickets is not None or feedback is not None
    if tickets is not None:
        compare.assert_tickets_match(published, tickets)
        compare.assert_events_match(published, tickets)
        compare.assert_csat_match(published, tickets)
        compare.assert_support_daily_match(published, tickets)
    if feedback is not None:
        compare.assert_feedback_match(published, feedback)
