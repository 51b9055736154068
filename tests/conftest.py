"""Shared fixtures: sandbox vendor APIs on 127.0.0.1 (real HTTP) and throwaway DuckDB warehouses."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from pipelines.accounts import Account
from sandbox.featurebase import FeaturebaseApp, FeaturebaseWorkspace, generate_workspace
from sandbox.framework.server import SandboxServer

FB_KEY = "fb_test_key_a"
FB_KEY_B = "fb_test_key_b"
CLI = str(Path(sys.executable).with_name("feedback-warehouse"))

# fast retries in tests: the HTTP layer's backoff is exercised, not waited out
os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")


@dataclass
class FeaturebaseSandbox:
    app: FeaturebaseApp
    server: SandboxServer
    workspace: FeaturebaseWorkspace

    @property
    def url(self) -> str:
        return self.server.url

    def account(self, name: str = "default", key: str = FB_KEY) -> Account:
        return Account("featurebase", name, self.url, key)


@contextmanager
def serve_workspace(workspace: FeaturebaseWorkspace, key: str = FB_KEY) -> Iterator[FeaturebaseSandbox]:
    """A Featurebase stand-in serving one organisation on 127.0.0.1 for the duration of the block."""
    app = FeaturebaseApp({key: workspace})
    with SandboxServer(app) as server:
        yield FeaturebaseSandbox(app, server, workspace)


@pytest.fixture
def fb_sandbox() -> Iterator[FeaturebaseSandbox]:
    """One Featurebase organisation: 500 tickets, >= 5,000 conversation parts."""
    with serve_workspace(generate_workspace(seed=7, tickets=500, org_id="org_a")) as sandbox:
        yield sandbox


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    return tmp_path / "wh" / "warehouse.duckdb"


def query(warehouse: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def assert_raw_matches_truth(warehouse: Path, workspace: FeaturebaseWorkspace, account: str = "default") -> None:
    """Counts, every ticket's status and part count, and every CSAT score equal the sandbox's ground truth."""
    truth = workspace.truth()
    tickets = truth["tickets"]
    rows = query(
        warehouse,
        "select id, ticket_number, json_extract_string(status, '$.id'), count(*) over (partition by id) "
        "from featurebase.tickets where source_account = ?",
        [account],
    )
    assert len(rows) == len(tickets)
    assert all(dupes == 1 for *_, dupes in rows), "duplicate tickets"
    for ticket_id, number, status_id, _ in rows:
        expected = tickets[ticket_id]
        assert number == expected["ticketNumber"]
        assert status_id == expected["status_id"], f"ticket {number} status"
    part_counts = dict(
        query(
            warehouse,
            "select ticket_id, count(*) from featurebase.ticket_conversation_parts "
            "where source_account = ? group by ticket_id",
            [account],
        )
    )
    assert {t: part_counts.get(t, 0) for t in tickets} == {t: v["part_count"] for t, v in tickets.items()}
    assert sum(part_counts.values()) == truth["part_count"]
    dupes = query(
        warehouse,
        "select count(*) - count(distinct (ticket_id, id)) from featurebase.ticket_conversation_parts "
        "where source_account = ?",
        [account],
    )[0][0]
    assert dupes == 0, "duplicate conversation parts"
    scores = sorted(
        query(
            warehouse,
            "select json_extract_string(csat, '$.requestId'), cast(json_extract(csat, '$.score') as integer) "
            "from featurebase.ticket_conversation_parts where source_account = ? and part_type = 'rating_submitted'",
            [account],
        )
    )
    assert scores == sorted((c["requestId"], c["score"]) for c in truth["csat"])


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One temporary Prefect API for the whole session (it takes ~25 s to start here)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
