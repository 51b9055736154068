"""Featurebase feedback: posts, voters, comments, boards, and the vote history observed between runs."""

from __future__ import annotations

import json
import math
from datetime import timedelta
from pathlib import Path

from pipelines.publish import publish
from pipelines.runner import load_account
from pipelines.transform import run_dbt
from tests.conftest import FeaturebaseSandbox, query

POSTS = "GET /v2/posts"
VOTERS = "GET /v2/posts/{id}/voters"


def _voter_sets(sandbox: FeaturebaseSandbox) -> dict[str, set[str]]:
    return {pid: set(p["voter_ids"]) for pid, p in sandbox.workspace.truth()["feedback"]["posts"].items()}


def assert_feedback_matches_truth(warehouse: Path, sandbox: FeaturebaseSandbox, account: str = "default") -> None:
    truth = sandbox.workspace.truth()["feedback"]
    posts = dict(query(warehouse, "select id, upvotes from featurebase.posts where source_account = ?", [account]))
    live = {pid: p for pid, p in truth["posts"].items()}
    assert {pid: posts.get(pid) for pid in live} == {pid: p["upvotes"] for pid, p in live.items()}
    latest = query(
        warehouse,
        "select post_id, voter_ids from featurebase.post_observations where source_account = ? "
        "qualify row_number() over (partition by post_id order by observed_at desc) = 1",
        [account],
    )
    voters = {pid: sorted(json.loads(ids)) for pid, ids in latest}
    assert {pid: voters.get(pid) for pid in live} == {pid: sorted(p["voter_ids"]) for pid, p in live.items()}
    comments = {
        row[0] for row in query(warehouse, "select id from featurebase.comments where source_account = ?", [account])
    }
    assert set(truth["comments"]) <= comments
    boards = query(warehouse, "select count(*) from featurebase.boards where source_account = ?", [account])[0][0]
    assert boards == truth["boards"]
    known_voters = {
        row[0] for row in query(warehouse, "select id from featurebase.voters where source_account = ?", [account])
    }
    assert set().union(*(set(p["voter_ids"]) for p in live.values())) <= known_voters


def test_votes_cast_and_withdrawn_become_exact_events(fb_sandbox: FeaturebaseSandbox, warehouse: Path) -> None:
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
    assert_feedback_matches_truth(warehouse, fb_sandbox)

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
    published = publish(warehouse)

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
    for pid, post in live.items():
        distinct = {c for voter in post["voter_ids"] for c in feedback["voter_companies"].get(voter, [])}
        expected = sum(companies[c]["monthlySpend"] for c in distinct)
        assert abs(float(mrr[pid] or 0) - expected) < 0.01, pid
