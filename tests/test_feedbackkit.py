"""FeedbackKit specifics beyond the contract suite (tests/contract proves loads, faults, crashes, quarantine and the
marts against independent truth): merged items linked to their targets in the marts without double counting,
exact requests per run (one list request, comment calls only where comments can have changed), a 402 tier limit
and a rejected key as one-line errors without a retry storm next to another vendor that loads, a body cut off
mid-array (retried, or failing cleanly with nothing committed), a 5,000-feedback project, the source's helpers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from pipelines.runner import LoadResult, load_account, load_accounts
from pipelines.transform import run_dbt
from pipelines.warehouse import Warehouse
from sandbox.feedbackkit import FeedbackKitWorkspace, generate_workspace
from sandbox.feedbackkit.workspace import VOTING_STATUSES
from sources.common.errors import ApiError, AuthenticationError
from sources.feedbackkit import helpers
from tests.conftest import query
from tests.support.sandboxes import Sandbox, serve
from tests.truth import compare
from tests.vendors.base import driver

KEY = "fk_test_key_a"
LIST = "GET /api/v1/feedbacks"
COMMENTS = "GET /api/v1/feedbacks/{id}/comments"
FK = driver("feedbackkit")


@pytest.fixture
def fk_sandbox() -> Iterator[Sandbox]:
    """One FeedbackKit project of 300 feedbacks: merges (one chain), rejected items, null MRR, no comments."""
    with serve("feedbackkit", {KEY: generate_workspace(seed=7, feedbacks=300, project_id="proj_a")}) as sandbox:
        yield sandbox


def _load(sandbox: Sandbox, warehouse: Warehouse, **kwargs: Any) -> LoadResult:
    kwargs.setdefault("as_of", sandbox.workspace.now)
    result = load_account(sandbox.account(), warehouse, **kwargs)
    assert result.ok, result.error
    return result


def _assert_raw_equals_truth(sandbox: Sandbox, warehouse: Warehouse) -> None:
    assert FK.raw_loaded(warehouse, "default") == FK.raw_truth(sandbox.workspace)


def _live(workspace: FeedbackKitWorkspace) -> dict[str, dict[str, Any]]:
    return workspace.truth()["feedbacks"]


@pytest.mark.slow
def test_full_run_equals_truth_with_merged_items_linked_and_not_double_counted(
    fk_sandbox: Sandbox, warehouse: Warehouse
) -> None:
    workspace = fk_sandbox.workspace
    result = _load(fk_sandbox, warehouse)
    feedbacks = _live(workspace)
    merged = {fid: f["mergedIntoId"] for fid, f in feedbacks.items() if f["mergedIntoId"]}
    assert len(merged) >= 5 and any(target in merged for target in merged.values())  # a merge chain A -> B -> C
    assert result.rows["feedbacks"] == len(feedbacks)  # merged items included (includeMerged=true)
    assert fk_sandbox.app.request_counts() == {
        LIST: 1,
        COMMENTS: sum(1 for f in feedbacks.values() if f["commentCount"] > 0),
    }
    _assert_raw_equals_truth(fk_sandbox, warehouse)

    # the feedback marts and what they read, with the tests of those models only (cautious: a test of a mart
    # that was not selected is skipped, not run against a table that does not exist)
    feedback_marts = "+mart_feature_demand +mart_feedback_votes_daily +fct_feedback_comments +dim_people"
    run_dbt(warehouse, extra_args=["--select", feedback_marts, "--indirect-selection", "cautious"])
    published = warehouse.publish()

    compare.assert_feedback_match(published, FK.truth_feedback(workspace, "default"))
    rows = {
        fid: (key, merged_into, stage, reason)
        for fid, key, merged_into, stage, reason in query(
            published,
            "select feedback_id, feedback_key, merged_into_key, status_stage, rejection_reason from fct_feedback "
            "where source_system = 'feedbackkit'",
        )
    }
    for fid, target in merged.items():  # every merged item points at its target's key
        assert rows[fid][1] == rows[target][0] and rows[fid][2] == "merged", fid
    assert all(row[1] is None for fid, row in rows.items() if fid not in merged)
    assert {fid: row[3] for fid, row in rows.items()} == {fid: f["rejectionReason"] for fid, f in feedbacks.items()}

    # no double counting: a target's voteCount already holds the merged voters (each voter once), merged items
    # are no demand of their own, and a merged item's vote history is 0, so summing votes over items adds up
    unmerged_votes = sum(f["voteCount"] for f in feedbacks.values() if not f["mergedIntoId"])
    assert query(published, "select sum(vote_count) from mart_feature_demand") == [(unmerged_votes,)]
    assert query(published, "select sum(delta) from fct_votes where not is_deleted") == [(unmerged_votes,)]

    kinds = dict(query(published, "select author_type, author_kind from fct_feedback_comments group by all"))
    assert kinds == {"admin": "agent", "user": "customer"}
    assert query(published, "select count(*) from fct_feedback_comments") == [
        (sum(f["commentCount"] for f in feedbacks.values()),)
    ]


def test_thirty_changed_feedbacks_cost_one_list_request_and_only_the_comment_calls_needed(
    fk_sandbox: Sandbox, warehouse: Warehouse
) -> None:
    workspace = fk_sandbox.workspace
    _load(fk_sandbox, warehouse)
    workspace.advance(3600)
    before = _live(workspace)

    # 30 distinct feedbacks change: 8 status changes and 1 merge (updatedAt moves), 10 get a vote (counts only),
    # 10 get a comment (commentCount only)
    restatused = set(workspace.change_status(8, seed=3))
    spare = sorted(fid for fid, f in before.items() if not f["mergedIntoId"] and fid not in restatused)
    source, target = spare[0], spare[1]
    workspace.merge(source, target)
    taken = restatused | {source, target}
    voted = [fid for fid in spare[2:] if before[fid]["status"] in VOTING_STATUSES][:10]
    for n, fid in enumerate(voted):
        workspace.vote(fid, f"user_new_{n}")
    commented = [fid for fid in spare[2:] if fid not in voted][:10]
    for fid in commented:
        workspace.post_comment(fid, "Any news on this?", "user_000001")
    after = _live(workspace)
    changed = {fid for fid in after if after[fid] != before[fid]}
    assert changed == taken | set(voted) | set(commented) and len(changed) == 30

    fk_sandbox.app.reset_request_counts()
    second = _load(fk_sandbox, warehouse)

    # comments only where commentCount or updatedAt moved, and never for a feedback without comments
    needs_comments = {fid for fid in taken | set(commented) if after[fid]["commentCount"] > 0}
    assert fk_sandbox.app.request_counts() == {LIST: 1, COMMENTS: len(needs_comments)}
    # a vote observation for every feedback whose votes, MRR or stage changed (not for comment-only changes)
    assert second.rows["vote_observations"] == len(taken | set(voted))
    assert second.rows["comments"] == sum(after[fid]["commentCount"] for fid in needs_comments)
    _assert_raw_equals_truth(fk_sandbox, warehouse)

    fk_sandbox.app.reset_request_counts()
    third = _load(fk_sandbox, warehouse)
    assert fk_sandbox.app.request_counts() == {LIST: 1}  # a no-change run makes one request in total
    assert third.requests["requests"] == 1 and "vote_observations" not in third.rows
    _assert_raw_equals_truth(fk_sandbox, warehouse)


def test_a_feedback_whose_comments_are_gone_has_them_marked_deleted_without_a_call(
    fk_sandbox: Sandbox, warehouse: Warehouse
) -> None:
    """commentCount 0 means no call and the earlier comments are deleted; a deleted feedback is deleted."""
    workspace = fk_sandbox.workspace
    _load(fk_sandbox, warehouse)
    feedbacks = _live(workspace)
    emptied, removed = sorted(fid for fid, f in feedbacks.items() if f["commentCount"] >= 2)[:2]
    earlier = workspace.delete_comments(emptied)  # an admin removes every comment of one item
    workspace.delete_feedback(removed)
    fk_sandbox.app.reset_request_counts()

    _load(fk_sandbox, warehouse, as_of=workspace.now + timedelta(minutes=1))

    assert fk_sandbox.app.request_counts() == {LIST: 1}
    deleted = set(query(warehouse, "select entity, id from feedbackkit.deletions"))
    assert deleted == {("feedback", removed)} | {("comment", comment_id) for comment_id in earlier}
    _assert_raw_equals_truth(fk_sandbox, warehouse)


@pytest.mark.parametrize("fault", ["tier_limit", "wrong_key"])
def test_402_and_401_are_one_line_errors_without_retries_next_to_a_vendor_that_loads(
    fault: str, fk_sandbox: Sandbox, warehouse: Warehouse
) -> None:
    workspace = fk_sandbox.workspace
    _load(fk_sandbox, warehouse)
    snapshot = FK.raw_loaded(warehouse, "default")
    workspace.add_votes(10, seed=1)  # changes a failed run must not half-load
    if fault == "tier_limit":
        workspace.set_tier_limit_reached(True)
    account = fk_sandbox.account(key="fk_wrong_key_0b6e1f" if fault == "wrong_key" else None)
    featurebase = driver("featurebase")
    fk_sandbox.app.reset_request_counts()

    with serve("featurebase", {featurebase.keys[0]: featurebase.generate(3, "org_a")}) as other:
        failed, loaded = load_accounts([account, other.account()], warehouse, as_of=workspace.now)

    assert sum(fk_sandbox.app.request_counts().values()) <= 3
    assert failed.error and "\n" not in failed.error and not failed.retryable
    assert failed.error.startswith("feedbackkit (account default): ")
    if fault == "tier_limit":
        assert "402" in failed.error and "Subscription tier limit exceeded" in failed.error
    else:
        assert "401" in failed.error and "Invalid API key" in failed.error
        assert "SOURCES__FEEDBACKKIT__API_KEY" in failed.error and "fk_wrong_key_0b6e1f" not in failed.error
    assert loaded.ok, loaded.error
    assert FK.raw_loaded(warehouse, "default") == snapshot  # earlier data intact


def test_a_body_cut_off_mid_array_is_retried_or_fails_cleanly_and_the_next_run_equals_truth(
    fk_sandbox: Sandbox, warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = fk_sandbox.workspace
    faults = fk_sandbox.app.faults
    faults.inject("truncate", endpoint=LIST, times=1)
    first = _load(fk_sandbox, warehouse)
    assert first.requests["retries"] >= 1
    _assert_raw_equals_truth(fk_sandbox, warehouse)
    loads = query(warehouse, "select count(*) from feedbackkit._dlt_loads")

    snapshot = FK.raw_loaded(warehouse, "default")
    workspace.advance(3600)
    workspace.add_comments(5, seed=2)
    workspace.change_status(3, seed=3)
    monkeypatch.setenv("SOURCES__FEEDBACKKIT__MAX_ATTEMPTS", "2")  # keep the give-up quick
    faults.inject("truncate", endpoint=LIST, times=5)
    failed = load_account(fk_sandbox.account(), warehouse, as_of=workspace.now)
    assert not failed.ok and failed.retryable  # transient: the scheduler's retry may succeed
    assert failed.error.startswith("feedbackkit (account default): GET /feedbacks ") and "\n" not in failed.error
    assert "Traceback" not in failed.error
    assert FK.raw_loaded(warehouse, "default") == snapshot  # no partial rows committed
    assert query(warehouse, "select count(*) from feedbackkit._dlt_loads") == loads

    faults.clear()
    _load(fk_sandbox, warehouse)
    _assert_raw_equals_truth(fk_sandbox, warehouse)


def test_a_5000_feedback_project_loads_in_one_list_request(warehouse: Warehouse) -> None:
    workspace = generate_workspace(seed=5, feedbacks=5000, project_id="big")
    with serve("feedbackkit", {KEY: workspace}) as sandbox:
        first = _load(sandbox, warehouse)
        assert sandbox.app.request_counts()[LIST] == 1
        assert first.rows["feedbacks"] == 5000 and first.rows["vote_observations"] == 5000
        _assert_raw_equals_truth(sandbox, warehouse)


def test_credentials_check_is_one_cheap_request_and_names_the_reason(fk_sandbox: Sandbox) -> None:
    helpers.check_credentials(KEY, fk_sandbox.base_url, "default")
    assert fk_sandbox.app.request_counts() == {"GET /api/v1/feedbacks/{id}": 1}
    with pytest.raises(AuthenticationError, match="SOURCES__FEEDBACKKIT__API_KEY"):
        helpers.check_credentials("fk_nope", fk_sandbox.base_url, "default")
    fk_sandbox.workspace.set_tier_limit_reached(True)
    with pytest.raises(ApiError, match="tier limit .*Subscription tier limit exceeded"):
        helpers.check_credentials(KEY, fk_sandbox.base_url, "default")
    assert sum(fk_sandbox.app.request_counts().values()) == 3


def test_the_error_body_reason_is_the_message() -> None:
    assert helpers.error_detail({"error": True, "reason": "Invalid  API key"}) == "Invalid API key"
    assert helpers.error_detail({"message": "Too Many Attempts."}) == "Too Many Attempts."
    assert helpers.error_detail(["not", "an", "object"]) == ""


def test_chunks_release_the_raw_items_as_they_go() -> None:
    items = [{"id": str(i)} for i in range(5)]
    seen = []
    for chunk in helpers.drain_chunks(items, 2):
        seen.append([row["id"] for row in chunk])
        assert all(slot is None for slot in items[: sum(map(len, seen))])
    assert seen == [["0", "1"], ["2", "3"], ["4"]] and items == []


def test_totals_are_floats_and_broken_numbers_are_quarantined() -> None:
    record = {"id": "f1", "voteCount": 2, "commentCount": 0, "totalMrr": 10, "createdAt": "2026-02-05T14:20:00Z"}
    record["updatedAt"] = record["createdAt"]
    assert helpers.check_feedback(record, "a")["totalMrr"] == 10.0
    assert isinstance(helpers.check_feedback(record, "a")["totalMrr"], float)
    assert helpers.check_feedback({**record, "totalMrr": "lots"}, "a")["reason"].startswith("totalMrr")
    assert helpers.check_feedback({**record, "voteCount": None}, "a")["reason"].startswith("missing or non-integer")
