"""Featurebase tickets through the real HTTP client and dlt into DuckDB, checked against the sandbox's truth."""

from __future__ import annotations

from pathlib import Path

from pipelines.runner import load_account
from tests.conftest import FB_KEY_B, FeaturebaseSandbox, assert_raw_matches_truth, query

LIST = "GET /v2/tickets"
DETAIL = "GET /v2/tickets/{ticketNumber}"


def test_first_run_loads_everything(fb_sandbox: FeaturebaseSandbox, warehouse: Path) -> None:
    truth = fb_sandbox.workspace.truth()
    assert len(truth["tickets"]) >= 500 and truth["part_count"] >= 5000

    result = load_account(fb_sandbox.account(), warehouse)

    assert result.ok, result.error
    assert_raw_matches_truth(warehouse, fb_sandbox.workspace)
    counts = fb_sandbox.app.request_counts()
    assert counts[LIST] == 5  # 500 tickets, 100 per page
    assert counts[DETAIL] == 500
    assert result.requests["by_endpoint"][DETAIL] == 500
    assert result.rows["tickets"] == 500
    assert fb_sandbox.app.missing_version_header_count() == 0
    lookups = {
        t: n
        for (t, n) in query(
            warehouse,
            "select 'statuses', count(*) from featurebase.ticket_statuses union all "
            "select 'categories', count(*) from featurebase.ticket_categories union all "
            "select 'custom_fields', count(*) from featurebase.ticket_custom_fields",
        )
    }
    assert lookups["statuses"] == truth["statuses"]
    assert lookups["categories"] == truth["categories"]
    assert lookups["custom_fields"] == truth["custom_fields"]
    # tickets and parts reach dlt as Arrow tables: they carry the same dlt columns as dict-loaded tables, which a
    # warehouse loaded before that change requires (NOT NULL), and the same column types (JSON stays JSON)
    for table in ("tickets", "ticket_conversation_parts"):
        [(rows, load_ids, ids)] = query(
            warehouse, f"select count(*), count(_dlt_load_id), count(distinct _dlt_id) from featurebase.{table}"
        )
        assert rows == load_ids == ids > 0, table
    types = dict(
        query(
            warehouse,
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'featurebase' and table_name = 'ticket_conversation_parts'",
        )
    )
    assert types["author"] == "JSON" and types["created_at"] == "TIMESTAMP WITH TIME ZONE"
    assert types["ticket_number"] == "BIGINT"


def test_incremental_runs_fetch_only_what_changed(fb_sandbox: FeaturebaseSandbox, warehouse: Path) -> None:
    account = fb_sandbox.account()
    assert load_account(account, warehouse).ok

    ws = fb_sandbox.workspace
    changed = set(ws.mutate_tickets(fraction=0.02, seed=1))
    extra = next(n for n in range(1, 501) if n not in changed)
    ws.add_parts(extra, n=3)
    changed.add(extra)
    assert len(changed) >= 10
    fb_sandbox.app.reset_request_counts()

    second = load_account(account, warehouse)

    assert second.ok, second.error
    counts = fb_sandbox.app.request_counts()
    # every changed ticket sorts before the unchanged ones, all on the first page of 100: one list request
    assert counts[LIST] == 1
    assert counts[DETAIL] == len(changed)
    assert_raw_matches_truth(warehouse, ws)

    fb_sandbox.app.reset_request_counts()
    third = load_account(account, warehouse)
    assert third.ok, third.error
    counts = fb_sandbox.app.request_counts()
    assert counts.get(DETAIL, 0) == 0
    assert counts[LIST] == 1
    assert_raw_matches_truth(warehouse, ws)


def test_retry_after_and_503_burst_lose_and_duplicate_nothing(fb_sandbox: FeaturebaseSandbox, warehouse: Path) -> None:
    faults = fb_sandbox.app.faults
    faults.inject("status", endpoint=LIST, status=429, retry_after=1, times=1, after=1)
    faults.inject("status", endpoint=DETAIL, status=503, times=6, after=20)
    faults.inject("status", endpoint=DETAIL, status=429, retry_after=1, times=2, after=200)
    faults.inject("truncate", endpoint=DETAIL, times=2, after=300)

    result = load_account(fb_sandbox.account(), warehouse)

    assert result.ok, result.error
    statuses = fb_sandbox.app.status_counts()
    assert statuses.get(429, 0) == 3 and statuses.get(503, 0) == 6
    assert result.requests["retries"] >= 11
    assert_raw_matches_truth(warehouse, fb_sandbox.workspace)


def test_malformed_tickets_are_quarantined_with_reasons(fb_sandbox: FeaturebaseSandbox, warehouse: Path) -> None:
    account = fb_sandbox.account()
    assert load_account(account, warehouse).ok
    fb_sandbox.workspace.inject_malformed_tickets()
    changed = fb_sandbox.workspace.mutate_tickets(n=5, seed=3)

    result = load_account(account, warehouse)

    assert result.ok, result.error
    assert result.quarantined == 2
    reasons = sorted(r[0] for r in query(warehouse, "select reason from featurebase.quarantine"))
    assert reasons[0].startswith("bad timestamp") and reasons[1] == "missing id"
    payloads = query(
        warehouse, "select vendor, endpoint, json_extract_string(payload, '$.title') from featurebase.quarantine"
    )
    assert all(v == "featurebase" and e == LIST and title for v, e, title in payloads)
    assert len(changed) == 5
    assert_raw_matches_truth(warehouse, fb_sandbox.workspace)


def test_unknown_new_field_becomes_a_column(fb_sandbox: FeaturebaseSandbox, warehouse: Path) -> None:
    account = fb_sandbox.account()
    assert load_account(account, warehouse).ok
    fb_sandbox.workspace.add_unknown_field("sentimentScore")
    changed = fb_sandbox.workspace.mutate_tickets(n=4, seed=5)

    result = load_account(account, warehouse)

    assert result.ok, result.error
    filled = query(warehouse, "select count(*) from featurebase.tickets where sentiment_score is not null")[0][0]
    assert filled == len(changed) == 4
    assert_raw_matches_truth(warehouse, fb_sandbox.workspace)


def test_two_accounts_with_overlapping_ids_load_side_by_side(fb_sandbox: FeaturebaseSandbox, warehouse: Path) -> None:
    from sandbox.featurebase import generate_workspace

    other = generate_workspace(seed=99, tickets=120, org_id="org_b")
    fb_sandbox.app.orgs[FB_KEY_B] = other
    overlap = set(other.truth()["tickets"]) & set(fb_sandbox.workspace.truth()["tickets"])
    assert overlap, "the two organisations must share ticket ids for this test to mean anything"

    assert load_account(fb_sandbox.account("default"), warehouse).ok
    assert load_account(fb_sandbox.account("acme", FB_KEY_B), warehouse).ok

    assert_raw_matches_truth(warehouse, fb_sandbox.workspace, "default")
    assert_raw_matches_truth(warehouse, other, "acme")


def test_full_refresh_rereads_everything_without_duplicates(fb_sandbox: FeaturebaseSandbox, warehouse: Path) -> None:
    account = fb_sandbox.account()
    assert load_account(account, warehouse).ok
    fb_sandbox.app.reset_request_counts()

    again = load_account(account, warehouse, full_refresh=True)

    assert again.ok, again.error
    counts = fb_sandbox.app.request_counts()
    assert counts[LIST] == 5 and counts[DETAIL] == 500
    assert_raw_matches_truth(warehouse, fb_sandbox.workspace)
