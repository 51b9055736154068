"""Orchestration: one writer per warehouse, failure isolation and retries in the flow, keys kept out of Prefect,
and the deployments as `prefect deploy --all` and `feedback-warehouse schedule` register them."""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
import yaml

from pipelines.lock import BUSY_EXIT_CODE, WarehouseBusy, lock_path, warehouse_lock
from pipelines.warehouse import open_warehouse
from sandbox.featurebase import generate_workspace
from tests.conftest import CLI, FB_KEY, assert_raw_matches_truth, cli_env, query
from tests.support.locks import hold_lock, release
from tests.support.sandboxes import Sandbox, serve
from tests.test_prefect_flow import flow_run_artifacts, flow_run_logs

REPO = Path(__file__).resolve().parent.parent
PREFECT = str(Path(sys.executable).with_name("prefect"))


def test_warehouse_lock_refuses_or_waits_for_another_process(tmp_path: Path) -> None:
    import threading

    warehouse = tmp_path / "warehouse.duckdb"
    holder = hold_lock(warehouse)
    try:
        with pytest.raises(WarehouseBusy) as busy, warehouse_lock(warehouse):
            pass
        message = str(busy.value)
        assert f"pid {holder.pid}" in message and str(warehouse) in message and "--wait" in message
        told: list[WarehouseBusy] = []
        acquired = threading.Event()

        def wait_for_it() -> None:
            with warehouse_lock(warehouse, wait_seconds=60, on_wait=told.append), warehouse_lock(warehouse):
                acquired.set()  # re-entrant in the holding thread

        waiter = threading.Thread(target=wait_for_it)
        waiter.start()
        assert not acquired.wait(1.0)  # still held by the child
        release(holder)
        waiter.join(30)
        assert acquired.is_set() and len(told) == 1
    finally:
        release(holder)
    # the lock file stays where it is: nobody deletes a lock, held or not
    assert lock_path(warehouse).exists()


def test_redaction_filter_hides_every_configured_key() -> None:
    from pipelines.flows import RedactSecrets

    records: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(self.format(record))

    handler = Collect()
    handler.addFilter(RedactSecrets(["sk_live_one", "sk_live_two"]))
    logger = logging.getLogger("feedback_warehouse.test_redaction")
    logger.addHandler(handler)
    try:
        logger.warning("request with %s failed", "Bearer sk_live_one")
        try:
            raise ValueError("bad key sk_live_two")
        except ValueError:
            logger.exception("boom")
    finally:
        logger.removeHandler(handler)
    text = "\n".join(records)
    assert "sk_live_one" not in text and "sk_live_two" not in text and "Bearer ***" in text and "bad key ***" in text


def test_one_bad_account_fails_the_run_after_the_others_load_and_publish(
    prefect_harness: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two Featurebase organisations; account `acme` has a wrong key, `default` hits a transient outage first."""
    from pipelines import flows

    wrong = "fb_wrong_key_9c1e44b07d"
    org_a = generate_workspace(seed=7, tickets=120, org_id="org_a")
    org_b = generate_workspace(seed=8, tickets=80, org_id="org_b")
    monkeypatch.setattr(flows, "RETRY_DELAY_SECONDS", [0])
    for name in [k for k in os.environ if k.startswith("SOURCES__")]:
        monkeypatch.delenv(name)
    warehouse = open_warehouse(tmp_path / "warehouse.duckdb", "duckdb")
    with serve("featurebase", {FB_KEY: org_a, "fb_key_org_b": org_b}) as sandbox:
        app, server = sandbox.app, sandbox.server
        monkeypatch.setenv("SOURCES__FEATUREBASE__API_KEY", FB_KEY)
        monkeypatch.setenv("SOURCES__FEATUREBASE__BASE_URL", server.url)
        monkeypatch.setenv("SOURCES__FEATUREBASE__ACCOUNTS__ACME__API_KEY", wrong)
        monkeypatch.setenv("SOURCES__FEATUREBASE__ACCOUNTS__ACME__BASE_URL", server.url)
        # the default account's ticket list answers 503 until the HTTP client gives up: one task retry
        app.faults.inject("status", endpoint="GET /v2/tickets", status=503, retry_after=0, times=8, api_key=FB_KEY)

        state = flows.refresh(warehouse=str(warehouse.anchor), return_state=True)

    assert state.is_failed()
    assert "featurebase/acme" in state.message and "401" in state.message
    assert "featurebase/default" not in state.message
    assert_raw_matches_truth(warehouse, org_a, account="default")
    assert query(warehouse, "select count(*) from featurebase.tickets where source_account = 'acme'") == [(0,)]
    published = warehouse.published_path
    con = duckdb.connect(str(published), read_only=True)
    try:
        assert con.execute("select source_account, count(*) from fct_tickets group by 1").fetchall() == [
            ("default", 120)
        ]
    finally:
        con.close()

    flow_run_id = state.state_details.flow_run_id
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    with get_client(sync_client=True) as client:
        task_runs = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])))
    attempts = {run.name: run.run_count for run in task_runs if run.name.startswith("load-")}
    assert attempts == {"load-featurebase/default": 2, "load-featurebase/acme": 1}  # 401 is never retried

    logs = flow_run_logs(flow_run_id)
    assert any(log.name == "feedback_warehouse.http" and "503" in log.message for log in logs)  # our loggers
    artifacts = flow_run_artifacts(flow_run_id)
    assert set(artifacts) == {"refresh-loads", "refresh-headline"}
    rows = json.loads(artifacts["refresh-loads"].data)
    acme = [row for row in rows if row["account"] == "acme"]
    assert len(acme) == 1 and acme[0]["status"].startswith("failed: featurebase (account acme)")
    assert "featurebase (account acme)" in artifacts["refresh-headline"].data
    everything = json.dumps([log.message for log in logs]) + json.dumps(
        [str(a.data) for a in artifacts.values()] + [state.message]
    )
    assert wrong not in everything and FB_KEY not in everything


@pytest.fixture
def small_sandbox() -> Iterator[Sandbox]:
    with serve("featurebase", {FB_KEY: generate_workspace(seed=5, tickets=100, org_id="org_small")}) as sandbox:
        yield sandbox


def test_two_concurrent_runs_one_writes_the_other_exits_cleanly(small_sandbox: Sandbox, tmp_path: Path) -> None:
    """The first run is held inside its load (a delay fault on the ticket details) while the second starts:
    deterministic, whatever the machine's speed."""
    warehouse = open_warehouse(tmp_path / "warehouse.duckdb", "duckdb")
    env = cli_env(**small_sandbox.env())
    small_sandbox.app.faults.inject("delay", endpoint="GET /v2/tickets/{ticketNumber}", delay=3, times=1)
    first = subprocess.Popen(  # no dbt: the lock covers it too, but the load is what the second run would clash with
        [CLI, "run", "--warehouse", str(warehouse.anchor), "--no-transform"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert first.stdout is not None
    seen = []
    for line in first.stdout:  # the first run holds the lock once it starts extracting
        seen.append(line)
        if line.strip() == "featurebase/default: extract":
            break
    second = subprocess.run(
        [CLI, "run", "--warehouse", str(warehouse.anchor)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    seen.extend(first.stdout)
    assert first.wait(300) == 0, "".join(seen)

    assert second.returncode == BUSY_EXIT_CODE, second.stdout + second.stderr
    assert f"another run (pid {first.pid}, started at" in second.stderr
    assert f"is writing {warehouse.anchor}" in second.stderr and "--wait" in second.stderr
    assert "Traceback" not in second.stderr
    assert_raw_matches_truth(warehouse, small_sandbox.workspace)


def test_prefect_yaml_declares_the_served_deployments() -> None:
    from pipelines.flows import DEPLOYMENTS

    config = yaml.safe_load((REPO / "prefect.yaml").read_text())
    declared = {d["name"]: d for d in config["deployments"]}
    assert set(declared) == {spec.name for spec in DEPLOYMENTS} == {"hourly-refresh", "nightly-reconcile"}
    for spec in DEPLOYMENTS:
        deployment = declared[spec.name]
        assert deployment["entrypoint"] == f"pipelines/flows.py:{spec.flow_name}"
        assert [s["cron"] for s in deployment["schedules"]] == [spec.cron]
        assert deployment["concurrency_limit"] == 1
        assert deployment["work_pool"]["name"] == "feedback-warehouse"
        assert set(deployment["tags"]) == set(spec.tags)
    text = (REPO / "prefect.yaml").read_text().lower()
    assert "api_key:" not in text and "sk_live" not in text


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_schedule_serves_both_deployments_and_prefect_deploy_registers_them(tmp_path: Path) -> None:
    """`feedback-warehouse schedule` starts a temporary Prefect server and serves both schedules; against that
    same server, `prefect deploy --all --no-prompt` then registers prefect.yaml's deployments on the work pool."""
    port = _free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "SOURCES__"))}
    env.update(PREFECT_HOME=str(tmp_path / "prefect"), PYTHONUNBUFFERED="1", FEEDBACK_WAREHOUSE_TIMEZONE="Europe/Paris")
    schedule = subprocess.Popen(
        [CLI, "schedule", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert schedule.stdout is not None
        seen = []
        for line in schedule.stdout:
            seen.append(line)
            if line.startswith("Prefect UI:"):
                break
        assert seen and seen[-1].strip() == f"Prefect UI: http://127.0.0.1:{port}", "".join(seen)

        served = _read_deployments(api_url, wait_for=2)
        assert {(d["flow"], d["name"]) for d in served} == {
            ("refresh", "hourly-refresh"),
            ("reconcile", "nightly-reconcile"),
        }
        assert {d["cron"] for d in served} == {("0 * * * *", "Europe/Paris"), ("30 2 * * *", "Europe/Paris")}

        deploy_env = {**env, "PREFECT_API_URL": api_url, "FEEDBACK_WAREHOUSE_HOME": str(REPO)}
        pool = subprocess.run(
            [PREFECT, "work-pool", "create", "feedback-warehouse", "--type", "process"],
            env=deploy_env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert pool.returncode == 0, pool.stdout + pool.stderr
        deploy = subprocess.run(
            [PREFECT, "--no-prompt", "deploy", "--all"],
            env=deploy_env,
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert deploy.returncode == 0, deploy.stdout + deploy.stderr
        deployed = {d["name"]: d for d in _read_deployments(api_url, wait_for=2)}
        assert deployed["hourly-refresh"]["cron"] == ("0 * * * *", "UTC")
        assert deployed["nightly-reconcile"]["cron"] == ("30 2 * * *", "UTC")
        for deployment in deployed.values():
            assert deployment["work_pool"] == "feedback-warehouse"
            assert deployment["concurrency_limit"] == 1
            assert deployment["parameters"] == {"full_refresh": False}
            assert "feedback-warehouse" in deployment["tags"]
    finally:
        schedule.send_signal(signal.SIGINT)
        try:
            schedule.wait(60)
        except subprocess.TimeoutExpired:
            schedule.kill()
            schedule.wait()


def _read_deployments(api_url: str, wait_for: int, timeout: float = 120) -> list[dict]:
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    deadline = time.monotonic() + timeout
    with temporary_settings(updates={PREFECT_API_URL: api_url}), get_client(sync_client=True) as client:
        while True:
            deployments = client.read_deployments()
            if len(deployments) >= wait_for or time.monotonic() > deadline:
                break
            time.sleep(1)
        flows = {flow.id: flow.name for flow in client.read_flows()}
        result = []
        for deployment in deployments:
            crons = [(s.schedule.cron, s.schedule.timezone) for s in deployment.schedules]
            limit = deployment.global_concurrency_limit
            result.append(
                {
                    "flow": flows[deployment.flow_id],
                    "name": deployment.name,
                    "cron": crons[0] if len(crons) == 1 else tuple(crons),
                    "work_pool": deployment.work_pool_name,
                    "concurrency_limit": limit.limit if limit else deployment.concurrency_limit,
                    "parameters": deployment.parameters,
                    "tags": deployment.tags,
                }
            )
    return result
