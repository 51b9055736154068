"""The Prefect `refresh` flow end to end: sandbox -> load -> dbt build -> publish, under a test Prefect API."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.conftest import FB_KEY, FeaturebaseSandbox


def test_refresh_flow_runs_end_to_end(
    prefect_harness: None, fb_sandbox: FeaturebaseSandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipelines.flows import refresh

    monkeypatch.setenv("SOURCES__FEATUREBASE__API_KEY", FB_KEY)
    monkeypatch.setenv("SOURCES__FEATUREBASE__BASE_URL", fb_sandbox.url)
    warehouse = tmp_path / "warehouse.duckdb"

    state = refresh(vendors=["featurebase"], warehouse=str(warehouse), return_state=True)

    assert state.is_completed(), state.message
    summary = state.result()
    assert summary["ok"] and summary["loads"][0]["rows"]["tickets"] == 500
    con = duckdb.connect(str(warehouse.with_name("analytics.duckdb")), read_only=True)
    try:
        assert con.execute("select count(*) from fct_tickets").fetchone()[0] == 500
    finally:
        con.close()
    assert summary["marts"]["fct_tickets"] == 500
    assert summary["csat_pct"] is not None
