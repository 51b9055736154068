"""The Prefect `refresh` flow end to end: sandbox -> load -> dbt build -> publish -> report artifacts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.conftest import FB_KEY, FeaturebaseSandbox


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


def test_refresh_flow_runs_end_to_end_and_reports(
    prefect_harness: None, fb_sandbox: FeaturebaseSandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipelines.flows import refresh
    from pipelines.reporting import NO_FEEDBACK

    monkeypatch.setenv("SOURCES__FEATUREBASE__API_KEY", FB_KEY)
    monkeypatch.setenv("SOURCES__FEATUREBASE__BASE_URL", fb_sandbox.url)
    warehouse = tmp_path / "warehouse.duckdb"

    state = refresh(vendors=["featurebase"], warehouse=str(warehouse), return_state=True)

    assert state.is_completed(), state.message
    summary = state.result()
    load = summary["loads"][0]
    assert summary["ok"] and load["rows"]["tickets"] == 500
    published = warehouse.with_name("analytics.duckdb")
    con = duckdb.connect(str(published), read_only=True)
    try:
        tickets = con.execute("select count(*) from fct_tickets").fetchone()[0]
        positive, ratings = con.execute(
            "select count(*) filter (where is_positive), count(score) from fct_csat"
        ).fetchone()
        median = con.execute(
            "select median(first_response_minutes) from fct_tickets where first_response_minutes is not null"
        ).fetchone()[0]
        has_feedback = bool(
            con.execute("select count(*) from duckdb_tables() where table_name = 'mart_feature_demand'").fetchone()[0]
        )
        top = (
            con.execute(
                "select title, vote_count from mart_feature_demand where not coalesce(is_deleted, false) "
                "and coalesce(status_stage, '') <> 'merged' order by vote_count desc nulls last, title limit 5"
            ).fetchall()
            if has_feedback
            else []
        )
    finally:
        con.close()
    assert tickets == 500 and summary["marts"]["fct_tickets"] == 500
    last_load = duckdb.connect(str(warehouse), read_only=True)
    try:
        fresh = last_load.execute("select max(inserted_at) from featurebase._dlt_loads where status = 0").fetchone()[0]
    finally:
        last_load.close()

    artifacts = flow_run_artifacts(state.state_details.flow_run_id)
    assert set(artifacts) == {"refresh-loads", "refresh-headline"}
    table = artifacts["refresh-loads"].data
    rows = json.loads(table) if isinstance(table, str) else table
    assert {row["table"]: row["rows"] for row in rows} == load["rows"]
    assert {(row["vendor"], row["account"]) for row in rows} == {("featurebase", "default")}
    first = rows[0]
    assert first["requests"] == load["requests"]["requests"] > 0
    assert first["quarantined"] == load["quarantined"]
    assert first["seconds"] == load["duration_s"] and first["status"] == "ok"
    assert all(row["last_successful_load_utc"] == fresh.isoformat(timespec="seconds") for row in rows)

    markdown = artifacts["refresh-headline"].data
    assert f"| CSAT | {100.0 * positive / ratings:.1f}% ({ratings:,} ratings) |" in markdown
    assert f"| Median first response | {median:.1f} min |" in markdown
    assert "## Top 5 requested features" in markdown
    if top:
        expected = "\n".join(f"{rank}. {title} ({votes:,} votes)" for rank, (title, votes) in enumerate(top, 1))
        assert expected in markdown
    else:
        assert NO_FEEDBACK in markdown
