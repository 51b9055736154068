"""FeedbackKit stand-in over real HTTP: the contract's shapes, order, filters, errors, mutations, merges, the
5,000-item array (whole and truncated), determinism, and the independent truth adapter."""

from __future__ import annotations

import random
import re
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import urllib3

from sandbox.feedbackkit import SANDBOX, FeedbackKitApp, FeedbackKitWorkspace, demo_day, generate_workspace
from sandbox.framework.server import SandboxServer
from tests.truth import feedbackkit as truth_adapter

KEY = "fk_test_key_a"
KEY_B = "fk_test_key_b"
LIST = "/api/v1/feedbacks"
FIELDS = {
    "id": str,
    "title": str,
    "description": str,
    "status": str,
    "category": str,
    "userId": str,
    "userEmail": (str, type(None)),
    "voteCount": int,
    "hasVoted": bool,
    "commentCount": int,
    "totalMrr": (float, int, type(None)),
    "createdAt": str,
    "updatedAt": str,
    "rejectionReason": (str, type(None)),
    "mergedIntoId": (str, type(None)),
    "mergedAt": (str, type(None)),
    "mergedFeedbackIds": (list, type(None)),
}
COMMENT_FIELDS = {"id": str, "content": str, "userId": str, "isAdmin": bool, "createdAt": str}
SECONDS_TS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
MISSING = "00000000-0000-4000-8000-000000000000"
SANDBOX_STATUSES = ("pending", "approved", "in_progress", "testflight", "completed", "rejected")


def _client(url: str, key: str | None = KEY, **headers: str) -> httpx.Client:
    base = {"X-API-Key": key} if key else {}
    return httpx.Client(base_url=url, headers={**base, **headers}, timeout=30)


def _order_key(item: dict[str, Any]) -> tuple[int, str]:
    return (-item["voteCount"], item.get("id", ""))


@pytest.fixture(scope="module")
def ws() -> FeedbackKitWorkspace:
    return generate_workspace(seed=7, feedbacks=400)


@pytest.fixture(scope="module")
def served(ws: FeedbackKitWorkspace) -> Iterator[tuple[FeedbackKitApp, str]]:
    """Read-only server over two projects (tests using it must not mutate them)."""
    other = generate_workspace(seed=8, feedbacks=50, project_id="project_b")
    app = FeedbackKitApp({KEY: ws, KEY_B: other})
    with SandboxServer(app) as server:
        yield app, server.url


@pytest.fixture()
def fresh() -> Iterator[tuple[FeedbackKitApp, str, FeedbackKitWorkspace]]:
    ws = generate_workspace(seed=11, feedbacks=120)
    app = FeedbackKitApp({KEY: ws})
    with SandboxServer(app) as server:
        yield app, server.url, ws


@pytest.fixture(scope="module")
def big() -> FeedbackKitWorkspace:
    return generate_workspace(seed=5, feedbacks=5_000)


# ------------------------------------------------------------------------------------------ generation
def test_generation_is_deterministic() -> None:
    a, b = generate_workspace(seed=3, feedbacks=150), generate_workspace(seed=3, feedbacks=150)
    assert a.truth() == b.truth()
    assert a.feedback_items() == b.feedback_items()
    some = a.feedback_items()[0]["id"]
    assert a.comments_of(some) == b.comments_of(some)
    c = generate_workspace(seed=4, feedbacks=150)
    assert set(c.truth()["feedbacks"]).isdisjoint(a.truth()["feedbacks"])
    # The same mutations on equal projects give equal projects.
    for ws in (a, b):
        ws.add_votes(5)
        ws.change_status(2)
        ws.add_comments(3)
        ws.merge_random(1)
        demo_day(ws, random.Random(1))
    assert a.truth() == b.truth()


def test_generation_scales(big: FeedbackKitWorkspace) -> None:
    started = time.perf_counter()
    generate_workspace(seed=9, feedbacks=5_000)
    assert time.perf_counter() - started < 3.0  # ~0.1 s here; benchmarks generate 50,000
    assert len(big.truth()["feedbacks"]) == 5_000


def test_hard_cases_and_consistency(ws: FeedbackKitWorkspace) -> None:
    truth = ws.truth()
    items = truth["feedbacks"]
    assert len(items) == truth["feedback_count"] == 400
    live = {f: it for f, it in items.items() if it["mergedIntoId"] is None}
    merged = {f: it for f, it in items.items() if it["mergedIntoId"] is not None}
    assert len(merged) >= 5
    assert any(items[it["mergedIntoId"]]["mergedIntoId"] for it in merged.values()), "a merge chain"
    rejected = [it for it in live.values() if it["status"] == "rejected"]
    assert any(it["rejectionReason"] for it in rejected) and any(it["rejectionReason"] is None for it in rejected)
    assert all(it["rejectionReason"] is None for it in items.values() if it["status"] != "rejected")
    assert any(it["totalMrr"] is None and it["voteCount"] > 0 for it in live.values())
    assert any(it["voteCount"] == 0 for it in live.values())  # the creator withdrew their vote
    assert any(it["commentCount"] == 0 for it in live.values())
    titles = [it["title"] for it in live.values()]
    assert len(set(titles)) < len(titles), "duplicate titles"
    assert {type(it["mergedFeedbackIds"]) for it in items.values()} == {list, type(None)}
    assert any(it["mergedFeedbackIds"] == [] for it in items.values())
    assert {it["status"] for it in items.values()} == set(SANDBOX_STATUSES)
    served_items = {it["id"]: it for it in ws.feedback_items()}
    assert any(it["userEmail"] is None for it in served_items.values())
    mrr = truth["user_mrr"]
    for fid, it in items.items():
        assert it["voteCount"] == len(it["voter_ids"])
        known = [mrr[u] for u in it["voter_ids"] if mrr[u] is not None]
        assert (it["totalMrr"] == pytest.approx(sum(known))) if known else (it["totalMrr"] is None)
        assert it["commentCount"] == len(truth["comments"][fid])
        assert it["createdAt"] <= it["updatedAt"] <= truth["now"]
        assert (it["mergedAt"] is None) == (it["mergedIntoId"] is None)
        if it["mergedIntoId"]:
            target = items[it["mergedIntoId"]]
            assert fid in target["mergedFeedbackIds"]
            assert set(it["voter_ids"]) <= set(target["voter_ids"])  # the target absorbed them
            assert it["createdAt"] <= it["mergedAt"] <= it["updatedAt"]
        for source in it["mergedFeedbackIds"] or []:
            assert items[source]["mergedIntoId"] == fid
    assert any(m == 0 for m in mrr.values()) and any(m is None for m in mrr.values())


# ---------------------------------------------------------------------------------------------- lists
def test_list_shape_order_and_merged(served: tuple[FeedbackKitApp, str], ws: FeedbackKitWorkspace) -> None:
    app, url = served
    truth = ws.truth()["feedbacks"]
    with _client(url) as client:
        r = client.get(LIST)
        assert r.status_code == 200 and r.headers["content-type"] == "application/json"
        items = r.json()
        assert isinstance(items, list)
        for item in items:
            assert set(item) == set(FIELDS), set(item) ^ set(FIELDS)
            for name, kind in FIELDS.items():
                assert isinstance(item[name], kind), (name, item[name])
            assert UUID.match(item["id"])
            assert SECONDS_TS.match(item["createdAt"]) and SECONDS_TS.match(item["updatedAt"])
            assert item["hasVoted"] is False  # no X-User-Id
            assert item["mergedIntoId"] is None
            assert item["voteCount"] == truth[item["id"]]["voteCount"]
            assert item["totalMrr"] == truth[item["id"]]["totalMrr"]
            assert item["status"] in SANDBOX_STATUSES
        assert items == sorted(items, key=_order_key)
        assert [i["voteCount"] for i in items] == sorted((i["voteCount"] for i in items), reverse=True)
        assert {i["id"] for i in items} == {f for f, t in truth.items() if t["mergedIntoId"] is None}
        assert client.get(LIST, params={"includeMerged": "false"}).json() == items

        everything = client.get(LIST, params={"includeMerged": "true"}).json()
        assert len(everything) == len(truth) and everything == sorted(everything, key=_order_key)
        merged = [i for i in everything if i["mergedIntoId"]]
        assert merged and all(SECONDS_TS.match(i["mergedAt"]) for i in merged)
        assert everything == ws.feedback_items(include_merged=True)

        r = client.get(LIST, params={"includeMerged": "yes"})
        assert r.status_code == 400
        assert r.json() == {"error": True, "reason": "includeMerged must be true or false"}

        # Another key, another project.
        with _client(url, KEY_B) as other:
            assert {i["id"] for i in other.get(LIST).json()}.isdisjoint(truth)
    assert app.request_counts()["GET /api/v1/feedbacks"] >= 4


def test_filters_and_personalised_has_voted(served: tuple[FeedbackKitApp, str], ws: FeedbackKitWorkspace) -> None:
    _, url = served
    truth = ws.truth()["feedbacks"]
    with _client(url) as client:
        for status in SANDBOX_STATUSES:
            got = client.get(LIST, params={"status": status, "includeMerged": "true"}).json()
            assert {i["id"] for i in got} == {f for f, t in truth.items() if t["status"] == status}
            assert got == sorted(got, key=_order_key)
        bugs = client.get(LIST, params={"category": "bug_report"}).json()
        expected = {f for f, t in truth.items() if t["category"] == "bug_report" and not t["mergedIntoId"]}
        assert bugs and {i["id"] for i in bugs} == expected
        both = client.get(LIST, params={"category": "feature_request", "status": "approved"}).json()
        assert all(i["category"] == "feature_request" and i["status"] == "approved" for i in both)
        for params, reason in [
            ({"status": "merged"}, "Invalid status 'merged'"),
            ({"category": "praise"}, "Invalid category 'praise'"),
        ]:
            r = client.get(LIST, params=params)
            assert r.status_code == 400 and r.json()["error"] is True and r.json()["reason"].startswith(reason)

        top = max(truth, key=lambda f: (truth[f]["voteCount"], f) if not truth[f]["mergedIntoId"] else (-1, f))
        voter = truth[top]["voter_ids"][0]
        mine = client.get(LIST, headers={"X-User-Id": voter}).json()
        assert {i["id"] for i in mine if i["hasVoted"]} == {
            f for f, t in truth.items() if voter in t["voter_ids"] and not t["mergedIntoId"]
        }
        assert client.get(f"{LIST}/{top}", headers={"X-User-Id": voter}).json()["hasVoted"] is True
        assert client.get(f"{LIST}/{top}").json()["hasVoted"] is False
        assert not any(i["hasVoted"] for i in client.get(LIST, headers={"X-User-Id": "nobody"}).json())


def test_detail_and_comments(served: tuple[FeedbackKitApp, str], ws: FeedbackKitWorkspace) -> None:
    _, url = served
    truth = ws.truth()
    listed = {i["id"]: i for i in ws.feedback_items(include_merged=True)}
    busiest = max(truth["feedbacks"], key=lambda f: (truth["feedbacks"][f]["commentCount"], f))
    merged = next(f for f, t in truth["feedbacks"].items() if t["mergedIntoId"])
    silent = next(f for f, t in truth["feedbacks"].items() if t["commentCount"] == 0)
    with _client(url) as client:
        for fid in (busiest, merged, silent):
            r = client.get(f"{LIST}/{fid}")
            assert r.status_code == 200 and r.json() == listed[fid]
        comments = client.get(f"{LIST}/{busiest}/comments").json()
        assert len(comments) == truth["feedbacks"][busiest]["commentCount"] >= 3
        assert [c["id"] for c in comments] == truth["comments"][busiest]
        assert [c["createdAt"] for c in comments] == sorted(c["createdAt"] for c in comments)
        for c in comments:
            assert set(c) == set(COMMENT_FIELDS)
            assert all(isinstance(c[k], t) for k, t in COMMENT_FIELDS.items())
            assert SECONDS_TS.match(c["createdAt"]) and c["createdAt"] >= listed[busiest]["createdAt"]
        all_comments = [c for cs in (ws.comments_of(f) for f in truth["feedbacks"]) for c in cs or []]
        assert any(c["isAdmin"] for c in all_comments) and not all(c["isAdmin"] for c in all_comments)
        assert client.get(f"{LIST}/{merged}/comments").json() == ws.comments_of(merged)  # still there
        assert client.get(f"{LIST}/{silent}/comments").json() == []
        for path in (f"{LIST}/{MISSING}", f"{LIST}/{MISSING}/comments"):
            r = client.get(path)
            assert r.status_code == 404 and r.json() == {"error": True, "reason": "Feedback not found"}
        r = client.get(f"{LIST}/not-a-uuid")
        assert r.status_code == 400 and r.json() == {"error": True, "reason": "Invalid feedback ID"}
        r = client.get("/api/v1/nothing-here")
        assert r.status_code == 404 and r.json() == {"error": True, "reason": "Not found"}


# --------------------------------------------------------------------------------------------- errors
def test_error_statuses_and_bodies(fresh: tuple[FeedbackKitApp, str, FeedbackKitWorkspace]) -> None:
    app, url, ws = fresh
    with _client(url, key=None) as anonymous:
        r = anonymous.get(LIST)
        assert r.status_code == 401 and r.json()["error"] is True and "API key" in r.json()["reason"]
    with _client(url, key="wrong") as wrong:
        assert wrong.get(LIST).json() == {"error": True, "reason": "Invalid API key"}
        assert wrong.get(LIST).status_code == 401
    with _client(url) as client, httpx.Client(base_url=url, timeout=10) as control:
        r = control.post("/_sandbox/mutate", json={"action": "set_tier_limit_reached"})
        assert r.json() == {"ok": True, "result": True}
        r = client.get(LIST)
        assert r.status_code == 402 and r.json()["error"] is True and "tier" in r.json()["reason"].lower()
        assert client.get(f"{LIST}/{MISSING}/comments").status_code == 402
        control.post("/_sandbox/mutate", json={"action": "set_tier_limit_reached", "reached": False})
        assert client.get(LIST).status_code == 200

        app.faults.inject("status", endpoint="GET /api/v1/feedbacks/{id}/comments", status=503)
        app.faults.inject("status", endpoint="GET /api/v1/feedbacks", status=429, retry_after=7)
        r = client.get(f"{LIST}/{MISSING}/comments")
        assert r.status_code == 503 and r.json() == {"error": True, "reason": "Injected fault"}
        r = client.get(LIST)
        assert r.status_code == 429 and r.headers["Retry-After"] == "7" and r.json()["error"] is True
        assert client.get(LIST).status_code == 200

        control.post("/_sandbox/config", json={"rate_limit_per_minute": 3, "rate_window_seconds": 30})
        statuses = [client.get(LIST).status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        r = client.get(LIST)
        assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
        assert r.json() == {"error": True, "reason": "Rate limit of 3 requests per minute exceeded"}
        assert r.headers["X-RateLimit-Remaining"] == "0"
        with _client(url, KEY) as same_key:
            assert same_key.get(LIST).status_code == 429  # per key, not per connection
    assert app.status_counts()[429] >= 3
    assert app.request_counts()["GET /api/v1/feedbacks/{id}/comments"] == 2


def test_documented_writes(fresh: tuple[FeedbackKitApp, str, FeedbackKitWorkspace]) -> None:
    app, url, ws = fresh
    truth = ws.truth()["feedbacks"]
    open_id = next(f for f, t in truth.items() if t["status"] == "approved" and not t["mergedIntoId"])
    closed_id = next(f for f, t in truth.items() if t["status"] == "completed" and not t["mergedIntoId"])
    before = ws.feedback(open_id)
    assert before is not None
    with _client(url) as client:
        r = client.post(LIST, json={"title": "", "description": "x", "category": "other", "userId": "u"})
        assert r.status_code == 400 and r.json()["reason"].startswith("title")
        r = client.post(LIST, json={"title": "Hi", "description": "x", "category": "praise", "userId": "u"})
        assert r.status_code == 400 and r.json()["reason"].startswith("category")
        assert client.post(LIST, content=b"{not json").status_code == 400
        body = {"title": "Add dark mode support", "description": "Please.", "category": "feature_request"}
        r = client.post(LIST, json={**body, "userId": "user_new_1", "userEmail": "new@example.com"})
        assert r.status_code == 200
        created = r.json()
        assert set(created) == set(FIELDS)
        assert created["voteCount"] == 1 and created["totalMrr"] is None and created["status"] == "pending"
        assert created["createdAt"] == created["updatedAt"] == ws.truth()["now"]

        r = client.post(f"{LIST}/{open_id}/votes", json={"userId": "user_voter_x", "notifyStatusChange": True})
        assert r.status_code == 200
        assert r.json() == {"feedbackId": open_id, "voteCount": before["voteCount"] + 1, "hasVoted": True}
        r = client.post(f"{LIST}/{open_id}/votes", json={"userId": "user_voter_x"})
        assert r.status_code == 409 and r.json()["error"] is True
        r = client.post(f"{LIST}/{closed_id}/votes", json={"userId": "user_voter_x"})
        assert r.status_code == 403 and "completed" in r.json()["reason"]
        assert client.post(f"{LIST}/{MISSING}/votes", json={"userId": "u"}).status_code == 404
        assert client.post(f"{LIST}/{open_id}/votes", json={}).status_code == 400
        r = client.request("DELETE", f"{LIST}/{open_id}/votes", json={"userId": "user_voter_x"})
        assert r.json() == {"feedbackId": open_id, "voteCount": before["voteCount"], "hasVoted": False}
        assert ws.feedback(open_id) == before  # votes do not move updatedAt

        r = client.post(f"{LIST}/{open_id}/comments", json={"content": "Thanks!", "userId": "admin", "isAdmin": True})
        assert r.status_code == 200 and r.json()["isAdmin"] is True
        assert client.get(f"{LIST}/{open_id}/comments").json()[-1] == r.json()

        ws.set_archived()
        r = client.post(f"{LIST}/{open_id}/votes", json={"userId": "user_voter_y"})
        assert r.status_code == 403 and r.json() == {"error": True, "reason": "Cannot vote on archived projects"}
        assert client.post(f"{LIST}/{open_id}/comments", json={"content": "x", "userId": "u"}).status_code == 403
        assert client.get(LIST).status_code == 200  # reads still work
    assert app.request_counts()["POST /api/v1/feedbacks/{id}/votes"] == 6
    assert app.request_counts()["DELETE /api/v1/feedbacks/{id}/votes"] == 1


# ------------------------------------------------------------------------------------------ mutations
def _unmerged_open(ws: FeedbackKitWorkspace) -> list[str]:
    return [
        f
        for f, t in ws.truth()["feedbacks"].items()
        if not t["mergedIntoId"] and t["status"] in ("pending", "approved", "in_progress", "testflight")
    ]


def test_votes_and_mrr_mutations(fresh: tuple[FeedbackKitApp, str, FeedbackKitWorkspace]) -> None:
    _, url, ws = fresh
    before = ws.truth()
    with httpx.Client(base_url=url, timeout=10) as control:
        r = control.post("/_sandbox/mutate", json={"action": "add_votes", "n": 5, "seed": 1})
        cast = r.json()["result"]
    after = ws.truth()
    assert len(cast) == 5 and after["now"] > before["now"]
    for fid, user in cast:
        assert user not in before["feedbacks"][fid]["voter_ids"] and user in after["feedbacks"][fid]["voter_ids"]
        assert after["feedbacks"][fid]["updatedAt"] == before["feedbacks"][fid]["updatedAt"]
        assert after["feedbacks"][fid]["status"] in ("pending", "approved", "in_progress", "testflight")
    total = sum(t["voteCount"] for t in after["feedbacks"].values())
    assert total == sum(t["voteCount"] for t in before["feedbacks"].values()) + 5

    removed = ws.remove_votes(3, seed=2)
    after_removal = ws.truth()
    for fid, user in removed:
        assert user not in after_removal["feedbacks"][fid]["voter_ids"]
        assert after_removal["feedbacks"][fid]["updatedAt"] == before["feedbacks"][fid]["updatedAt"]
    assert sum(t["voteCount"] for t in after_removal["feedbacks"].values()) == total - 3

    # A voter's MRR changes: every unmerged feedback they voted on follows, merged ones stay frozen.
    target = _unmerged_open(ws)[0]
    ws.vote(target, "user_whale")
    assert ws.feedback(target)["totalMrr"] == after_removal["feedbacks"][target]["totalMrr"]  # no MRR known yet
    result = ws.set_mrr("user_whale", 1234.5)
    assert result == {"userId": "user_whale", "old": None, "new": 1234.5}
    old_total = after_removal["feedbacks"][target]["totalMrr"] or 0
    assert ws.feedback(target)["totalMrr"] == pytest.approx(old_total + 1234.5)
    changes = ws.change_mrr(2, seed=3)
    assert len(changes) == 2 and all(c["new"] != c["old"] for c in changes)
    truth = ws.truth()
    for fid, t in truth["feedbacks"].items():
        if t["mergedIntoId"]:
            assert t["totalMrr"] == before["feedbacks"][fid]["totalMrr"]
        else:
            known = [truth["user_mrr"][u] for u in t["voter_ids"] if truth["user_mrr"][u] is not None]
            assert (t["totalMrr"] == pytest.approx(sum(known))) if known else (t["totalMrr"] is None)
        assert t["updatedAt"] == before["feedbacks"][fid]["updatedAt"]


def test_status_comment_feedback_and_delete_mutations(fresh: tuple[FeedbackKitApp, str, FeedbackKitWorkspace]) -> None:
    _, url, ws = fresh
    before = ws.truth()
    (changed,) = ws.change_status(1, seed=4)
    after = ws.truth()
    assert after["feedbacks"][changed]["status"] != before["feedbacks"][changed]["status"]
    assert after["feedbacks"][changed]["updatedAt"] == after["now"]
    many = ws.change_status(40, seed=9)
    moved = ws.truth()
    for fid in many:
        assert moved["feedbacks"][fid]["updatedAt"] == moved["now"] and not moved["feedbacks"][fid]["mergedIntoId"]
    assert all(t["rejectionReason"] is None for t in moved["feedbacks"].values() if t["status"] != "rejected")
    ws.advance(86_400)
    assert ws.truth()["now"] > after["now"]
    comment_ids = ws.add_comments(4, seed=5)
    truth = ws.truth()
    on = {fid for fid, ids in truth["comments"].items() if set(ids) & set(comment_ids)}
    for fid in on:
        assert truth["feedbacks"][fid]["commentCount"] == len(truth["comments"][fid])
        assert truth["feedbacks"][fid]["updatedAt"] == moved["feedbacks"][fid]["updatedAt"]  # comments: no
    assert sum(t["commentCount"] for t in truth["feedbacks"].values()) == sum(
        t["commentCount"] for t in before["feedbacks"].values()
    ) + len(comment_ids)
    new_ids = ws.add_feedback(2, seed=6)
    with _client(url) as client:
        listed = {i["id"]: i for i in client.get(LIST).json()}
        for fid in new_ids:
            item = listed[fid]
            assert item["voteCount"] == 1 and item["commentCount"] == 0 and item["status"] == "pending"
            mrr = ws.truth()["user_mrr"][item["userId"]]
            assert item["totalMrr"] == mrr  # the creator's vote carries the creator's MRR (or null)
            assert item["createdAt"] == item["updatedAt"] == ws.truth()["now"]
        comment = client.get(f"{LIST}/{next(iter(on))}/comments").json()[-1]
        assert comment["id"] in comment_ids and comment["createdAt"] == truth["now"]

        victim = max(truth["comments"], key=lambda f: (len(truth["comments"][f]), f))
        assert ws.delete_feedback(victim) is True and ws.delete_feedback(victim) is False
        for params in ({}, {"includeMerged": "true"}):
            assert victim not in {i["id"] for i in client.get(LIST, params=params).json()}
        assert client.get(f"{LIST}/{victim}").status_code == 404
        assert client.get(f"{LIST}/{victim}/comments").status_code == 404
    final = ws.truth()
    assert final["deleted"] == [victim] and victim not in final["feedbacks"] and victim not in final["comments"]


def test_delete_comments_mutation(fresh: tuple[FeedbackKitApp, str, FeedbackKitWorkspace]) -> None:
    app, url, ws = fresh
    truth = ws.truth()
    fid = max(truth["comments"], key=lambda f: (len(truth["comments"][f]), f))
    first, *rest = truth["comments"][fid]
    assert rest, "the busiest item has several comments"
    assert ws.delete_comments(fid, [first, "no-such-comment"]) == [first]
    with _client(url) as client:
        served = client.get(f"{LIST}/{fid}/comments").json()
        item = client.get(f"{LIST}/{fid}").json()
    assert [c["id"] for c in served] == rest and item["commentCount"] == len(rest)
    assert item["updatedAt"] == truth["feedbacks"][fid]["updatedAt"]  # comments never move updatedAt
    assert app.mutate({"action": "delete_comments", "feedback_id": fid}) == rest
    after = ws.truth()
    assert after["comments"][fid] == [] and after["feedbacks"][fid]["commentCount"] == 0
    assert ws.delete_comments(fid) == []
    with pytest.raises(KeyError):
        ws.delete_comments(MISSING)


def test_malformed_items_and_unknown_fields(fresh: tuple[FeedbackKitApp, str, FeedbackKitWorkspace]) -> None:
    app, url, ws = fresh
    infos = app.mutate({"action": "inject_malformed_feedback"})
    assert [i["reason"] for i in infos] == ["missing_id", "invalid_updatedAt"]
    assert app.mutate({"action": "add_unknown_field", "name": "sentimentScore"}) == "sentimentScore"
    with _client(url) as client:
        items = client.get(LIST).json()
        assert sum("id" not in i for i in items) == 1
        assert sum(i.get("updatedAt") == "not-a-timestamp" for i in items) == 1
        assert all(isinstance(i["sentimentScore"], float) for i in items)
        bad = infos[1]["id"]
        assert client.get(f"{LIST}/{bad}").json()["updatedAt"] == "not-a-timestamp"
        assert client.get(f"{LIST}/{bad}/comments").json() == []
    truth = ws.truth()
    assert len(truth["feedbacks"]) == 120 and truth["malformed"] == infos and truth["unknown_field"] == "sentimentScore"
    with httpx.Client(base_url=url, timeout=10) as control:
        r = control.post("/_sandbox/mutate", json={"action": "drop_tables"})
        assert r.status_code == 400 and "unknown action" in r.json()["error"]


# --------------------------------------------------------------------------------------------- merges
def test_merge_semantics_and_chains(fresh: tuple[FeedbackKitApp, str, FeedbackKitWorkspace]) -> None:
    _, url, ws = fresh
    a, b, c = _unmerged_open(ws)[:3]
    # One user votes on both A and B: after the merge they count once on B.
    for fid in (a, b):
        ws.vote(fid, "user_both")
    ws.set_mrr("user_both", 100)
    t0 = ws.truth()["feedbacks"]
    union = set(t0[a]["voter_ids"]) | set(t0[b]["voter_ids"])
    assert len(union) == t0[a]["voteCount"] + t0[b]["voteCount"] - len(
        set(t0[a]["voter_ids"]) & set(t0[b]["voter_ids"])
    )
    with httpx.Client(base_url=url, timeout=10) as control:
        r = control.post("/_sandbox/mutate", json={"action": "merge", "source_id": a, "target_id": b})
        assert r.status_code == 200 and r.json()["result"]["voteCount"] == len(union)
        truth = ws.truth()
        ta, tb = truth["feedbacks"][a], truth["feedbacks"][b]
        assert tb["voteCount"] == len(union) and set(tb["voter_ids"]) == union
        mrr = truth["user_mrr"]
        assert tb["totalMrr"] == pytest.approx(sum(mrr[u] for u in union if mrr[u] is not None))
        assert (ta["voteCount"], ta["totalMrr"], ta["commentCount"]) == (
            t0[a]["voteCount"],
            t0[a]["totalMrr"],
            t0[a]["commentCount"],
        )
        assert ta["status"] == t0[a]["status"]  # no "merged" status in the docs
        assert ta["mergedIntoId"] == b and ta["mergedAt"] == ta["updatedAt"] == truth["now"]
        assert tb["mergedFeedbackIds"][-1] == a and tb["updatedAt"] == truth["now"]
        assert tb["commentCount"] == t0[b]["commentCount"]  # comments stay on the merged item

        # Frozen: a later MRR change reaches B but not A.
        ws.set_mrr("user_both", 300)
        after = ws.truth()["feedbacks"]
        assert after[a]["totalMrr"] == ta["totalMrr"]
        assert after[b]["totalMrr"] == pytest.approx(tb["totalMrr"] + 200)

        # Chain: B (holding A) into C.
        ws.merge(b, c)
        chain = ws.truth()["feedbacks"]
        assert chain[a]["mergedIntoId"] == b and chain[b]["mergedIntoId"] == c
        assert chain[c]["mergedFeedbackIds"][-1] == b and a not in chain[c]["mergedFeedbackIds"]
        assert chain[b]["mergedFeedbackIds"][-1] == a
        assert set(chain[a]["voter_ids"]) | set(chain[b]["voter_ids"]) <= set(chain[c]["voter_ids"])
        for source, target in ((a, c), (b, a), (c, c)):
            r = control.post("/_sandbox/mutate", json={"action": "merge", "source_id": source, "target_id": target})
            assert r.status_code == 400, (source, target)
        pairs = control.post("/_sandbox/mutate", json={"action": "merge_random", "n": 2, "seed": 3}).json()["result"]
        assert len(pairs) == 2
    with _client(url) as client:
        default = {i["id"] for i in client.get(LIST).json()}
        assert not {a, b} & default and c in default
        assert not {s for s, _ in pairs} & default
        everything = {i["id"]: i for i in client.get(LIST, params={"includeMerged": "true"}).json()}
        assert everything[a]["mergedIntoId"] == b and everything[b]["mergedIntoId"] == c
        assert client.post(f"{LIST}/{a}/votes", json={"userId": "late"}).status_code == 403


# ------------------------------------------------------------------------------------ the big array
def test_five_thousand_items_in_one_response_and_truncated(big: FeedbackKitWorkspace) -> None:
    app = FeedbackKitApp({KEY: big})
    live = [f for f, t in big.truth()["feedbacks"].items() if not t["mergedIntoId"]]
    with SandboxServer(app) as server, _client(server.url) as client:
        r = client.get(LIST, params={"includeMerged": "true"})
        assert r.status_code == 200 and "link" not in r.headers
        items = r.json()
        assert len(items) == 5_000 and items == sorted(items, key=_order_key)
        assert len(client.get(LIST).json()) == len(live)

        app.faults.inject("truncate", endpoint="GET /api/v1/feedbacks")
        with pytest.raises(httpx.RemoteProtocolError):
            client.get(LIST, params={"includeMerged": "true"})
        app.faults.inject("truncate", endpoint="GET /api/v1/feedbacks")
        pool = urllib3.PoolManager(retries=False)
        raw = pool.request(
            "GET", f"{server.url}{LIST}?includeMerged=true", headers={"X-API-Key": KEY}, preload_content=False
        )
        expected = int(raw.headers["Content-Length"])
        received = bytearray()
        with pytest.raises(urllib3.exceptions.ProtocolError, match="IncompleteRead"):
            for chunk in raw.stream(64 * 1024):
                received += chunk
        raw.release_conn()
        assert expected == len(r.content) and 0 < len(received) < expected
        assert bytes(received) == r.content[: len(received)] and not received.rstrip().endswith(b"]")
        assert client.get(LIST, params={"includeMerged": "true"}).json() == items  # the fault fired once each
    assert app.request_counts()["GET /api/v1/feedbacks"] == 5


# ---------------------------------------------------------------------------- story, declaration, truth
def test_demo_day_and_declaration() -> None:
    ws = SANDBOX.generate(2, 0, "demo")
    assert ws.project_id == "demo" and ws.truth()["feedback_count"] == SANDBOX.demo_scale == 400
    before = ws.truth()
    SANDBOX.demo_day(ws, random.Random(4))
    after = ws.truth()
    assert after["now"] >= "2026-11-02T00:00:00Z"
    assert after["feedback_count"] > before["feedback_count"]
    assert sum(t["voteCount"] for t in after["feedbacks"].values()) != sum(
        t["voteCount"] for t in before["feedbacks"].values()
    )
    assert sum(len(v) for v in after["comments"].values()) > sum(len(v) for v in before["comments"].values())
    app = SANDBOX.app({SANDBOX.demo_key: ws})
    assert isinstance(app, FeedbackKitApp)
    assert SANDBOX.base_url("http://127.0.0.1:9") == "http://127.0.0.1:9/feedbackkit/api/v1"
    assert SANDBOX.base_url("http://127.0.0.1:9", shared_port=False) == "http://127.0.0.1:9/api/v1"


def test_truth_adapter_matches_truth(fresh: tuple[FeedbackKitApp, str, FeedbackKitWorkspace]) -> None:
    _, _, ws = fresh
    ws.merge_random(2, seed=8)
    ws.inject_malformed_feedback()  # quarantined by a loader: not in the records
    truth = ws.truth()
    records = truth_adapter.feedback(ws, "acme")
    assert {r.feedback_id for r in records} == set(truth["feedbacks"])
    stages = {
        "pending": "open",
        "approved": "planned",
        "in_progress": "in_progress",
        "testflight": "in_progress",
        "completed": "done",
        "rejected": "declined",
    }
    for record in records:
        t = truth["feedbacks"][record.feedback_id]
        assert record.source_system == "feedbackkit" and record.source_account == "acme"
        assert record.status_stage == ("merged" if t["mergedIntoId"] else stages[t["status"]])
        assert record.vote_count == t["voteCount"] and record.voter_ids is None
        assert record.mrr == t["totalMrr"] and record.comment_count == t["commentCount"]
        assert record.merged_into_id == t["mergedIntoId"] and record.title == t["title"]
        assert not record.is_deleted
    assert any(r.mrr is None for r in records) and "merged" in {r.status_stage for r in records}
    by_feedback = truth_adapter.comments(ws, "acme")
    assert {f: [c["id"] for c in cs] for f, cs in by_feedback.items()} == truth["comments"]
