"""The Prefect flows end to end: sandbox -> load -> dbt build -> publish -> report artifacts, with the artifacts'
figures checked against the stand-in's truth (not against the same run's summary)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import duckdb
import pytest

from pipelines.warehouse import open_warehouse
from sandbox.featurebase import generate_workspace
from tests.conftest import FB_KEY
from tests.support.sandboxes import Sandbox, serve
from tests.truth import featurebase as featurebase_truth
from tests.truth import metrics


def flow_run_artifacts(flow_run_id: Any) -> dict[str, Any]:
    """The run's artifacts by key, read back through the Prefect API."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])))
    return {artifact.key: artifact for artifact in artifacts}


def flow_run_logs(flow_run_id: Any) -> list[Any]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId
    from prefect.logging.handlers import APILogHandler

    APILogHandler().flush()  # logs go to the API in the background
    with get_client(sync_client=True) as client:
        return client.read_logs(LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run_id])))


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with serve("featurebase", {FB_KEY: generate_workspace(seed=9, tickets=120, org_id="org_flow", posts=40)}) as sb:
        yield sb


def _truth_headline(sandbox: Sandbox) -> dict[str, Any]:
    tickets = featurebase_truth.tickets(sandbox.workspace, "default")
    ratings = [c.score for t in tickets for c in t.csat if c.score is not None]
    first_responses = [
        m.first_response_minutes for m in map(metrics.ticket_metrics, tickets) if m.first_response_minutes is not None
    ]
    feedback = sorted(featurebase_truth.feedback(sandbox.workspace, "default"), key=lambda f: (-f.vote_count, f.title))
    return {
        "csat": f"{100.0 * sum(s >= 4 for s in ratings) / len(ratings):.1f}% ({len(ratings):,} ratings)",
        "median": f"{metrics.percentile_cont(first_responses, 0.5):.1f} min",
        "top": [(f.title, f.vote_count) for f in feedback[:5]],
    }


def test_refresh_flow_runs_end_to_end_and_reports_true_figures(
    prefect_harness: None, sandbox: Sandbox, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipelines.flows import refresh

    for name, value in sandbox.env().items():
        monkeypatch.setenv(name, value)
    warehouse = open_warehouse(tmp_path / "warehouse.duckdb", "duckdb")
    truth = sandbox.workspace.truth()

    state = refresh(vendors=["featurebase"], warehouse=str(warehouse.anchor), return_state=True)

    assert state.is_completed(), state.message
    artifacts = flow_run_artifacts(state.state_details.flow_run_id)
    assert set(artifacts) == {"refresh-loads", "refresh-headline"}
    table = artifacts["refresh-loads"].data
    rows = json.loads(table) if isinstance(table, str) else table
    loaded = {row["table"]: row["rows"] for row in rows}
    assert loaded["tickets"] == truth["ticket_count"]
    assert loaded["ticket_conversation_parts"] == truth["part_count"]
    assert loaded["posts"] == len(truth["feedback"]["posts"])
    assert loaded["comments"] == len(truth["feedback"]["comments"])
    assert {(row["vendor"], row["account"]) for row in rows} == {("featurebase", "default")}
    assert rows[0]["requests"] == sum(sandbox.app.request_counts().values()) and rows[0]["status"] == "ok"
    con = duckdb.connect(str(warehouse.anchor), read_only=True)
    try:
        fresh = con.execute("select max(inserted_at) from featurebase._dlt_loads where status = 0").fetchone()[0]
    finally:
        con.close()
    assert all(row["last_successful_load_utc"] == fresh.isoformat(timespec="seconds") for row in rows)

    expected = _truth_headline(sandbox)
    markdown = artifacts["refresh-headline"].data
    assert f"| CSAT (all time) | {expected['csat']} |" in markdown
    assert f"| Median first response | {expected['median']} |" in markdown
    top = "\n".join(f"{rank}. {title} ({votes:,} votes)" for rank, (title, votes) in enumerate(expected["top"], 1))
    assert "## Top 5 requested features" in markdown and top in markdown
    assert "## dbt warnings" not in markdown


def test_reconcile_flow_records_deletions_and_a_failed_build_keeps_the_published_file(
    prefect_harness: None, sandbox: Sandbox, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipelines.flows import reconcile, refresh

    for name, value in sandbox.env().items():
        monkeypatch.setenv(name, value)
    warehouse = open_warehouse(tmp_path / "warehouse.duckdb", "duckdb")
    assert refresh(vendors=["featurebase"], warehouse=str(warehouse.anchor), return_state=True).is_completed()
    gone = sorted(sandbox.workspace.truth()["tickets"].items())[0]
    sandbox.workspace.delete_ticket(gone[1]["ticketNumber"])

    state = reconcile(warehouse=str(warehouse.anchor), return_state=True)

    assert state.is_completed(), state.message
    assert set(flow_run_artifacts(state.state_details.flow_run_id)) == {"reconcile-loads", "reconcile-headline"}
    con = duckdb.connect(str(warehouse.published_path), read_only=True)
    try:
        flags = dict(con.execute("select ticket_id, is_deleted from fct_tickets").fetchall())
    finally:
        con.close()
    assert flags[gone[0]] is True and sum(flags.values()) == 1

    # a raw ticket without its creation time breaks an error-level test: the next run that loads something (a new
    # ticket, so its build covers Featurebase) fails, and the dashboards keep their data
    before = warehouse.published_path.read_bytes()
    con = duckdb.connect(str(warehouse.anchor))
    con.execute(
        "insert into featurebase.tickets (id, source_account, ticket_number, updated_at, _dlt_load_id, _dlt_id) "
        "values ('broken', 'default', 999999, now(), '1', 'broken-row')"
    )
    con.close()
    (new_ticket,) = sandbox.workspace.add_tickets(1)
    failed = refresh(vendors=["featurebase"], warehouse=str(warehouse.anchor), return_state=True)
    assert failed.is_failed() and "dbt build failed" in failed.message
    assert warehouse.published_path.read_bytes() == before

    # repaired; the vendor has nothing new, yet the next run rebuilds in full: the marts get the ticket that was
    # loaded by the failed run
    con = duckdb.connect(str(warehouse.anchor))
    con.execute("delete from featurebase.tickets where id = 'broken'")
    con.close()
    assert refresh(vendors=["featurebase"], warehouse=str(warehouse.anchor), return_state=True).is_completed()
    con = duckdb.connect(str(warehouse.published_path), read_only=True)
    try:
        assert con.execute("select count(*) from fct_tickets where ticket_number = ?", [new_ticket]).fetchone() == (1,)
    finally:
        con.close()
