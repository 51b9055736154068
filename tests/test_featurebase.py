"""Featurebase specifics beyond the contract suite: exact request counts per endpoint, column types, full refresh,
and the observed vote history (voter by voter) with the MRR behind each post."""

from __future__ import annotations

import json
import math
from datetime import timedelta

from pipelines.runner import load_account
from pipelines.transform import run_dbt
from pipelines.warehouse import Warehouse
from tests.conftest import assert_raw_matches_truth, query
from tests.support.sandboxes import Sandbox

LIST = "GET /v2/tickets"
DETAIL = "GET /v2/tickets/{ticketNumber}"


def test_first_run_loads_everything(fb_sandbox: Sandbox, warehouse: Warehouse) -> None:
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


def test_incremental_runs_fetch_only_what_changed(fb_sandbox: Sandbox, warehouse: Warehouse) -> None:
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


def test_full_refresh_rereads_everything_without_duplicates(fb_sandbox: Sandbox, warehouse: Warehouse) -> None:
    account = fb_sandbox.account()
    assert load_account(account, warehouse).ok
    fb_sandbox.app.reset_request_counts()

    again = load_account(account, warehouse, full_refresh=True)

    assert again.ok, again.error
    counts = fb_sandbox.app.request_counts()
    assert counts[LIST] == 5 and counts[DETAIL] == 500
    assert_raw_matches_truth(warehouse, fb_sandbox.workspace)


POSTS = "GET /v2/posts"
VOTERS = "GET /v2/posts/{id}/voters"


def _voter_sets(sandbox: Sandbox) -> dict[str, set[str]]:
    return {pid: set(p["voter_ids"]) for pid, p in sandbox.workspace.truth()["feedback"]["posts"].items()}


def assert_feedback_matches_truth(
    warehouse: Warehouse, sandbox: Sandbox, account: str = "default", withdrawn: frozenset[str] = frozenset()
) -> None:
    """Raw posts, latest voter sets, comments and boards equal the stand-in's; the voters table holds every
    current voter plus those whose votes were withdrawn (they remain known people), nobody else."""
    truth = sandbox.workspace.truth()["feedback"]
    posts = dict(query(warehouse, "select id, upvotes from featurebase.posts where source_account = ?", [account]))
    live = {pid: p for pid, p in truth["posts"].items()}
    assert {pid: posts.get(pid) for pid in live} == {pid: p["upvotes"] for pid, p in live.items()}
    latest = query(
        warehouse,
        "select feedback_id, cast(voter_ids as varchar) from featurebase.vote_observations where source_account = ? "
        "qualify row_number() over (partition by feedback_id order by observed_at desc) = 1",
        [account],
    )
    voters = {pid: sorted(json.loads(ids)) for pid, ids in latest}
    assert {pid: voters.get(pid) for pid in live} == {pid: sorted(p["voter_ids"]) for pid, p in live.items()}
    comments = {
        row[0] for row in query(warehouse, "select id from featurebase.comments where source_account = ?", [account])
    }
    assert set(truth["comments"]) == comments
    boards = query(warehouse, "select count(*) from featurebase.boards where source_account = ?", [account])[0][0]
    assert boards == truth["boards"]
    known_voters = {
        row[0] for row in query(warehouse, "select id from featurebase.voters where source_account = ?", [account])
    }
    assert set().union(*(set(p["voter_ids"]) for p in live.values())) | withdrawn == known_voters


def test_votes_cast_and_withdrawn_become_exact_events(fb_sandbox: Sandbox, warehouse: Warehouse) -> None:
    ws = fb_sandbox.workspace
    account = fb_sandbox.account()
    first = load_account(account, warehouse, as_of=ws.now)
    assert first.ok, first.error
    assert_feedback_matches_truth(warehouse, fb_sandbox)
    truth = ws.truth()["feedback"]
    expected_voter_calls = sum(math.ceil(p["upvotes"] / 100) for p in truth["posts"].values())
    assert fb_sandbox.app.request_counts()[VOTERS] == expected_voter_calls

    before = _voter_sets(fb_sandbox)
    ws.advance(timedelta(days=1).total_seconds())
    ws.add_votes(50, seed=1)
    ws.remove_votes(10, seed=2)
    after = _voter_sets(fb_sandbox)
    added = {(pid, v) for pid in after for v in after[pid] - before.get(pid, set())}
    removed = {(pid, v) for pid in before for v in before[pid] - after.get(pid, set())}
    assert len(added) == 50 and len(removed) == 10
    changed_posts = {pid for pid, _ in added | removed}
    fb_sandbox.app.reset_request_counts()

    second = load_account(account, warehouse, as_of=ws.now)

    assert second.ok, second.error
    counts = fb_sandbox.app.request_counts()
    assert counts[POSTS] == 1  # every changed post is on the first page of sortBy=recent
    upvotes = {pid: p["upvotes"] for pid, p in ws.truth()["feedback"]["posts"].items()}
    assert counts.get(VOTERS, 0) == sum(math.ceil(upvotes[pid] / 100) for pid in changed_posts)
    still_voting = set().union(*after.values())
    withdrawn = frozenset(voter for _, voter in removed if voter not in still_voting)
    assert_feedback_matches_truth(warehouse, fb_sandbox, withdrawn=withdrawn)

    fb_sandbox.app.reset_request_counts()
    third = load_account(account, warehouse, as_of=ws.now + timedelta(hours=1))
    assert third.ok and fb_sandbox.app.request_counts().get(VOTERS, 0) == 0

    ws.delete_post(sorted(after)[0])
    deleted = sorted(after)[0]
    reconcile = load_account(account, warehouse, reconcile=True, as_of=ws.now + timedelta(hours=2))
    assert reconcile.ok, reconcile.error
    assert query(warehouse, "select id from featurebase.deletions where entity = 'post'") == [(deleted,)]
    assert query(warehouse, "select count(*) from featurebase.deletions where entity = 'ticket'") == [(0,)]

    run_dbt(warehouse)
    published = warehouse.publish()

    events = query(
        published,
        "select feedback_id, voter_id, delta from fct_votes where event_kind in ('vote_added', 'vote_removed')",
    )
    assert {(p, v) for p, v, d in events if d == 1} == added
    assert {(p, v) for p, v, d in events if d == -1} == removed
    baselines = query(published, "select count(*), sum(delta) from fct_votes where event_kind = 'baseline'")[0]
    assert baselines == (len(truth["posts"]), sum(p["upvotes"] for p in truth["posts"].values()))
    vote_counts = dict(query(published, "select feedback_id, vote_count from fct_feedback where not is_deleted"))
    live = ws.truth()["feedback"]["posts"]
    assert vote_counts == {pid: p["upvotes"] for pid, p in live.items()}
    assert query(published, "select is_deleted from fct_feedback where feedback_id = ?", [deleted]) == [(True,)]

    # MRR behind a post: distinct companies of its current voters, each company's monthly spend once
    feedback = ws.truth()["feedback"]
    companies = feedback["companies"]
    mrr = dict(query(published, "select feedback_id, voter_mrr from mart_feature_demand"))
    assert deleted not in mrr  # a deleted post is no demand
    for pid, post in live.items():
        distinct = {c for voter in post["voter_ids"] for c in feedback["voter_companies"].get(voter, [])}
        expected = round(sum(companies[c]["monthlySpend"] for c in distinct), 2)
        assert mrr[pid] is not None and abs(mrr[pid] - expected) < 0.005, pid  # NULL is not 0
