"""Featurebase feedback boards in the sandbox: posts, voters with companies, comments, boards and mutations."""

from __future__ import annotations

import hashlib
import statistics
from collections.abc import Iterator
from typing import Any

import httpx
import orjson
import pytest

from sandbox.featurebase import FeaturebaseApp, FeaturebaseWorkspace, generate_workspace
from sandbox.framework.server import SandboxServer

KEY = "fb_key_feedback"
VERSION = {"Featurebase-Version": "2026-01-01.nova"}
POST_FIELDS = {
    "id",
    "object",
    "slug",
    "postUrl",
    "title",
    "content",
    "boardId",
    "author",
    "status",
    "upvotes",
    "commentCount",
    "tags",
    "createdAt",
    "updatedAt",
    "customFields",
    "eta",
    "inReview",
}
COMMENT_FIELDS = {"id", "object", "postId", "parentCommentId", "content", "author", "upvotes", "downvotes"}
COMMENT_FIELDS |= {"isPrivate", "createdAt", "updatedAt"}

# Ticket data of generate_workspace(seed=13, tickets=80, parts_per_ticket=6) before feedback existed.
TICKETS_SHA = "a55916190dfb119ca97e5c4c365199a4b08329257f604ec87b4fd138f135834c"
PARTS_SHA = "74fae477307175576a3559bd94a3ea79211e73adfb7482d81bb4209d9da217dd"
# ...and its truth() (minus "feedback") after mutate_tickets(n=5); add_tickets(2); add_parts(3, 2).
AFTER_TICKET_MUTATIONS_SHA = "da56f71600909e4e049f47a50cdbcff4b111071f79dcc435cf6d26465e41ea0d"


def _sha(value: Any) -> str:
    return hashlib.sha256(orjson.dumps(value, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)).hexdigest()


def _client(url: str, key: str = KEY) -> httpx.Client:
    return httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}", **VERSION}, timeout=10)


def _walk(client: httpx.Client, path: str, **params: Any) -> tuple[list[dict[str, Any]], int]:
    """Every item of a cursor list walk and the number of pages."""
    items: list[dict[str, Any]] = []
    cursor = None
    for pages in range(1, 10_000):
        r = client.get(path, params={"limit": 100, **params, **({"cursor": cursor} if cursor else {})})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["object"] == "list"
        assert len(body["data"]) <= int(params.get("limit", 100))
        items.extend(body["data"])
        cursor = body["nextCursor"]
        if cursor is None:
            return items, pages
    raise AssertionError("pagination did not terminate")


@pytest.fixture(scope="module")
def ws() -> FeaturebaseWorkspace:
    return generate_workspace(seed=7, tickets=60, parts_per_ticket=6)


@pytest.fixture(scope="module")
def served(ws: FeaturebaseWorkspace) -> Iterator[tuple[FeaturebaseApp, str]]:
    """Read-only server (tests using it must not mutate the workspace)."""
    app = FeaturebaseApp({KEY: ws})
    with SandboxServer(app) as server:
        yield app, server.url


@pytest.fixture()
def fresh() -> Iterator[tuple[FeaturebaseApp, str, FeaturebaseWorkspace]]:
    ws = generate_workspace(seed=11, tickets=30, parts_per_ticket=5, posts=60, users=200, companies=40)
    app = FeaturebaseApp({KEY: ws})
    with SandboxServer(app) as server:
        yield app, server.url, ws


# ------------------------------------------------------------------------------------ generation
def test_ticket_data_is_unchanged_by_feedback() -> None:
    ws = generate_workspace(seed=13, tickets=80, parts_per_ticket=6)
    assert _sha(ws.truth()["tickets"]) == TICKETS_SHA
    assert _sha({n: ws._parts[n] for n in ws._tickets}) == PARTS_SHA
    bare = generate_workspace(seed=13, tickets=80, parts_per_ticket=6, posts=0, users=0, companies=0)
    assert bare.truth()["tickets"] == ws.truth()["tickets"]
    assert bare.truth()["feedback"]["posts"] == {}
    # Feedback mutations draw from their own generator: ticket mutations afterwards are unaffected.
    ws.add_votes(3)
    ws.add_comments(2)
    ws.mutate_tickets(n=5)
    ws.add_tickets(2)
    ws.add_parts(3, 2)
    truth = ws.truth()
    truth.pop("feedback")
    # The clock moved twice more than in the reference run; everything else is identical.
    fb_free = generate_workspace(seed=13, tickets=80, parts_per_ticket=6)
    fb_free.advance(2)
    fb_free.mutate_tickets(n=5)
    fb_free.add_tickets(2)
    fb_free.add_parts(3, 2)
    reference = fb_free.truth()
    reference.pop("feedback")
    assert truth == reference
    plain = generate_workspace(seed=13, tickets=80, parts_per_ticket=6)
    plain.mutate_tickets(n=5)
    plain.add_tickets(2)
    plain.add_parts(3, 2)
    plain_truth = plain.truth()
    plain_truth.pop("feedback")
    assert _sha(plain_truth) == AFTER_TICKET_MUTATIONS_SHA


def test_feedback_is_deterministic_and_ids_overlap_across_orgs() -> None:
    a1 = generate_workspace(seed=3, tickets=20, parts_per_ticket=4).truth()["feedback"]
    a2 = generate_workspace(seed=3, tickets=20, parts_per_ticket=4).truth()["feedback"]
    b = generate_workspace(seed=4, tickets=20, parts_per_ticket=4, org_id="org_b").truth()["feedback"]
    assert a1 == a2
    assert a1["posts"] != b["posts"]
    assert set(a1["posts"]) == set(b["posts"])  # per-kind counters: loaders must key on the account
    assert a1["boards"] == 4 and a1["users"] == 600 and len(a1["companies"]) == 120


def test_volume_skew_and_consistency(ws: FeaturebaseWorkspace) -> None:
    fb = ws.truth()["feedback"]
    posts = fb["posts"]
    assert len(posts) == 150
    upvotes = [p["upvotes"] for p in posts.values()]
    assert max(upvotes) >= 100
    assert statistics.median(upvotes) <= 5
    assert upvotes.count(0) >= 1
    now = ws.truth()["now"]
    for p in posts.values():
        assert p["upvotes"] == len(p["voter_ids"]) == len(set(p["voter_ids"]))
        assert p["createdAt"] <= p["updatedAt"] <= now
    assert 2.0 <= len(fb["comments"]) / len(posts) <= 4.5
    per_post: dict[str, int] = {}
    for c in fb["comments"].values():
        per_post[c["post_id"]] = per_post.get(c["post_id"], 0) + 1
    assert all(per_post.get(pid, 0) == p["comment_count"] for pid, p in posts.items())
    assert any(c["parent_id"] for c in fb["comments"].values())
    assert any(c["is_private"] for c in fb["comments"].values())
    spends = [c["monthlySpend"] for c in fb["companies"].values()]
    assert min(spends) == 0 and 1000 < max(spends) <= 5000
    assert {len(v) for v in fb["voter_companies"].values()} == {0, 1, 2}
    # Co-workers vote together: some post has two voters from the same company.
    shared = False
    for p in posts.values():
        seen: set[str] = set()
        for uid in p["voter_ids"]:
            for cid in fb["voter_companies"][uid]:
                shared = shared or cid in seen
                seen.add(cid)
    assert shared
    # The first companies are the org's ticket companies (one org, one company list).
    assert ws.companies[0]["id"] in fb["companies"]


# ------------------------------------------------------------------------------------------ posts
@pytest.mark.parametrize("sort_by", ["createdAt", "upvotes", "trending", "recent"])
@pytest.mark.parametrize("order", ["desc", "asc"])
def test_posts_pagination_walks_every_post_once(served: tuple[FeaturebaseApp, str], sort_by: str, order: str) -> None:
    app, url = served
    with _client(url) as client:
        posts, pages = _walk(client, "/v2/posts", limit=40, sortBy=sort_by, sortOrder=order)
    ids = [p["id"] for p in posts]
    assert pages == 4
    assert len(ids) == len(set(ids)) == 150
    assert set(ids) == set(app.truth()["org_a"]["feedback"]["posts"])
    field = {"createdAt": "createdAt", "upvotes": "upvotes", "recent": "updatedAt"}.get(sort_by)
    if field:
        values = [p[field] for p in posts]
        assert values == sorted(values, reverse=order == "desc")


def test_post_shape_and_filters(served: tuple[FeaturebaseApp, str], ws: FeaturebaseWorkspace) -> None:
    app, url = served
    truth = ws.truth()["feedback"]["posts"]
    with _client(url) as client:
        r = client.get("/v2/posts")
        assert r.status_code == 200
        assert "X-RateLimit-Limit" in r.headers
        body = r.json()
        assert len(body["data"]) == 10 and body["nextCursor"]
        post = body["data"][0]
        assert set(post) >= POST_FIELDS
        assert post["object"] == "post" and len(post["id"]) == 24
        assert set(post["author"]) >= {"id", "name", "email", "type"}
        assert post["status"]["object"] == "post_status"
        assert post["status"]["type"] in ("reviewing", "unstarted", "active", "completed", "canceled")
        assert isinstance(post["tags"], list) and isinstance(post["customFields"], dict)
        assert post["upvotes"] == truth[post["id"]]["upvotes"]
        # Default sort: createdAt desc.
        assert post["createdAt"] == max(p["createdAt"] for p in truth.values())

        board = ws.feedback.boards[1]["id"]
        by_board, _ = _walk(client, "/v2/posts", boardId=board)
        assert {p["id"] for p in by_board} == {pid for pid, p in truth.items() if p["board_id"] == board}
        status = ws.feedback.statuses[2]["id"]
        by_status, _ = _walk(client, "/v2/posts", statusId=status)
        assert {p["id"] for p in by_status} == {pid for pid, p in truth.items() if p["status_id"] == status}
        tagged, _ = _walk(client, "/v2/posts", tags="api")
        assert tagged and all("api" in p["tags"] for p in tagged)
        found, _ = _walk(client, "/v2/posts", q="SLACK")
        assert found and all("slack" in p["title"].lower() or "slack" in p["content"].lower() for p in found)
        in_review, _ = _walk(client, "/v2/posts", inReview="true")
        assert {p["id"] for p in in_review} == {p["id"] for p in ws.feedback.posts.values() if p["inReview"]}

        for params, param in [
            ({"limit": 0}, "limit"),
            ({"limit": 101}, "limit"),
            ({"sortBy": "votes"}, "sortBy"),
            ({"sortOrder": "up"}, "sortOrder"),
            ({"inReview": "yes"}, "inReview"),
            ({"cursor": "garbage!"}, "cursor"),
            ({"cursor": body["nextCursor"], "sortBy": "upvotes"}, "cursor"),
        ]:
            r = client.get("/v2/posts", params=params)
            assert r.status_code == 400, params
            assert r.json()["error"]["param"] == param
    assert app.request_counts()["GET /v2/posts"] >= 10


# ----------------------------------------------------------------------------------------- voters
def test_voters_sum_to_upvotes_with_companies(served: tuple[FeaturebaseApp, str], ws: FeaturebaseWorkspace) -> None:
    _, url = served
    fb = ws.truth()["feedback"]
    top = max(fb["posts"], key=lambda pid: fb["posts"][pid]["upvotes"])
    with _client(url) as client:
        for pid, post in fb["posts"].items():
            voters, _ = _walk(client, f"/v2/posts/{pid}/voters")
            assert len(voters) == post["upvotes"]
            assert sorted(v["id"] for v in voters) == post["voter_ids"]
        voters, pages = _walk(client, f"/v2/posts/{top}/voters", limit=7)
        assert pages == -(-fb["posts"][top]["upvotes"] // 7)
        # Stable cast order regardless of page size.
        assert [v["id"] for v in voters] == [v["id"] for v in _walk(client, f"/v2/posts/{top}/voters")[0]]
        with_company = next(v for v in voters if v["companies"])
        assert {"id", "userId", "name", "email", "type", "companies"} <= set(with_company)
        assert with_company["type"] == "customer"
        company = with_company["companies"][0]
        assert {"id", "companyId", "name", "monthlySpend", "plan"} <= set(company)
        assert fb["companies"][company["id"]]["monthlySpend"] == company["monthlySpend"]
        assert client.get(f"/v2/posts/{top}/voters").json()["nextCursor"] is not None  # default limit 10
        r = client.get("/v2/posts/ffffffffffffffffffffffff/voters")
        assert r.status_code == 404 and r.json()["error"]["code"] == "resource_not_found"
        assert client.get(f"/v2/posts/{top}/voters", params={"limit": 0}).status_code == 400


# --------------------------------------------------------------------------------------- comments
def test_comments_listing(served: tuple[FeaturebaseApp, str], ws: FeaturebaseWorkspace) -> None:
    _, url = served
    fb = ws.truth()["feedback"]
    with _client(url) as client:
        newest, _ = _walk(client, "/v2/comments", sortBy="new", limit=50)
        assert len(newest) == len(fb["comments"])
        assert {c["id"] for c in newest} == set(fb["comments"])
        assert [c["createdAt"] for c in newest] == sorted((c["createdAt"] for c in newest), reverse=True)
        oldest, _ = _walk(client, "/v2/comments", sortBy="old", limit=50)
        assert [c["createdAt"] for c in oldest] == sorted(c["createdAt"] for c in oldest)
        assert [c["id"] for c in oldest] == [c["id"] for c in reversed(newest)]
        best, _ = _walk(client, "/v2/comments", limit=50)  # default sort: best
        assert len(best) == len(fb["comments"])
        scores = [c["upvotes"] - c["downvotes"] for c in best]
        assert scores == sorted(scores, reverse=True)
        assert set(best[0]) >= COMMENT_FIELDS and best[0]["object"] == "comment"
        public, _ = _walk(client, "/v2/comments", privacy="public")
        private, _ = _walk(client, "/v2/comments", privacy="private")
        assert private and all(c["isPrivate"] for c in private) and not any(c["isPrivate"] for c in public)
        assert len(public) + len(private) == len(fb["comments"])

        busy = max(fb["posts"], key=lambda pid: fb["posts"][pid]["comment_count"])
        thread, pages = _walk(client, "/v2/comments", postId=busy, sortBy="old", limit=3)
        assert pages > 1 and len(thread) == fb["posts"][busy]["comment_count"]
        assert all(c["postId"] == busy for c in thread)
        ids = [c["id"] for c in thread]
        assert all(c["parentCommentId"] is None or c["parentCommentId"] in ids for c in thread)
        assert client.get("/v2/comments", params={"sortBy": "hot"}).status_code == 400
        assert client.get("/v2/comments", params={"privacy": "secret"}).status_code == 400


def test_boards(served: tuple[FeaturebaseApp, str]) -> None:
    _, url = served
    with _client(url) as client:
        boards = client.get("/v2/boards").json()
    assert isinstance(boards, list)
    assert [b["name"] for b in boards] == ["Feature Requests", "Integrations", "Bugs", "Mobile"]
    for b in boards:
        assert b["object"] == "board" and b["supportBoard"] is False
        assert {"id", "access", "features", "createdAt"} <= set(b)


# -------------------------------------------------------------------------------------- mutations
def _recent_first(client: httpx.Client) -> dict[str, Any]:
    return client.get("/v2/posts", params={"sortBy": "recent", "limit": 1}).json()["data"][0]


def test_add_and_remove_votes(fresh: tuple[FeaturebaseApp, str, FeaturebaseWorkspace]) -> None:
    _, url, ws = fresh
    before = ws.truth()
    cast = ws.add_votes(1, seed=1)
    assert len(cast) == 1
    post_id, user_id = cast[0]
    after = ws.truth()
    post = after["feedback"]["posts"][post_id]
    assert user_id not in before["feedback"]["posts"][post_id]["voter_ids"]
    assert post["upvotes"] == before["feedback"]["posts"][post_id]["upvotes"] + 1
    assert user_id in post["voter_ids"]
    assert post["updatedAt"] == after["now"] > before["now"]
    with _client(url) as client:
        assert _recent_first(client)["id"] == post_id
        voters, _ = _walk(client, f"/v2/posts/{post_id}/voters")
        assert voters[-1]["id"] == user_id  # newest vote last
        assert len(voters) == post["upvotes"]

        many = ws.add_votes(25, seed=2)
        assert len(many) == len(set(many)) == 25
        removed = ws.remove_votes(1, seed=3)
        gone_post, gone_user = removed[0]
        truth = ws.truth()
        assert gone_user not in truth["feedback"]["posts"][gone_post]["voter_ids"]
        assert truth["feedback"]["posts"][gone_post]["updatedAt"] == truth["now"]
        assert _recent_first(client)["id"] == gone_post
        voters, _ = _walk(client, f"/v2/posts/{gone_post}/voters")
        assert gone_user not in {v["id"] for v in voters}
        assert len(voters) == truth["feedback"]["posts"][gone_post]["upvotes"]
    total = sum(p["upvotes"] for p in truth["feedback"]["posts"].values())
    assert total == sum(p["upvotes"] for p in before["feedback"]["posts"].values()) + 26 - 1


def test_status_comments_and_new_posts(fresh: tuple[FeaturebaseApp, str, FeaturebaseWorkspace]) -> None:
    _, url, ws = fresh
    before = ws.truth()["feedback"]
    (changed,) = ws.change_post_status(seed=4)
    after = ws.truth()
    assert after["feedback"]["posts"][changed]["status_id"] != before["posts"][changed]["status_id"]
    assert after["feedback"]["posts"][changed]["updatedAt"] == after["now"]

    ws.advance(86_400)  # a day passes between runs: feedback timestamps follow the same clock
    (comment_id,) = ws.add_comments(1, seed=5)
    truth = ws.truth()
    on_post = truth["feedback"]["comments"][comment_id]["post_id"]
    assert truth["feedback"]["posts"][on_post]["comment_count"] == before["posts"][on_post]["comment_count"] + 1
    with _client(url) as client:
        newest = client.get("/v2/comments", params={"sortBy": "new", "limit": 1}).json()["data"][0]
        assert newest["id"] == comment_id and newest["createdAt"] == truth["now"]
        assert _recent_first(client)["id"] == on_post

        new_ids = ws.add_posts(2, seed=6)
        posts, _ = _walk(client, "/v2/posts")
        assert {p["id"] for p in posts[:2]} == set(new_ids)  # createdAt desc
        fresh_post = posts[0]
        assert fresh_post["upvotes"] == 0 and fresh_post["commentCount"] == 0
        assert fresh_post["createdAt"] == fresh_post["updatedAt"] == ws.truth()["now"]
        assert _walk(client, f"/v2/posts/{fresh_post['id']}/voters")[0] == []


def test_delete_post(fresh: tuple[FeaturebaseApp, str, FeaturebaseWorkspace]) -> None:
    _, url, ws = fresh
    fb = ws.truth()["feedback"]
    victim = max(fb["posts"], key=lambda pid: (fb["posts"][pid]["comment_count"], pid))
    assert fb["posts"][victim]["comment_count"] > 0
    assert ws.delete_post(victim) is True
    assert ws.delete_post(victim) is False
    truth = ws.truth()["feedback"]
    assert victim not in truth["posts"] and truth["deleted_posts"] == [victim]
    assert all(c["post_id"] != victim for c in truth["comments"].values())
    with _client(url) as client:
        r = client.get(f"/v2/posts/{victim}/voters")
        assert r.status_code == 404
        assert r.json()["error"]["code"] == "resource_not_found"
        for sort_by in ("createdAt", "recent", "upvotes", "trending"):
            posts, _ = _walk(client, "/v2/posts", sortBy=sort_by)
            assert victim not in {p["id"] for p in posts} and len(posts) == len(truth["posts"])
        comments, _ = _walk(client, "/v2/comments")
        assert all(c["postId"] != victim for c in comments)
        assert _walk(client, "/v2/comments", postId=victim)[0] == []


def test_control_api_mutations_auth_and_faults(fresh: tuple[FeaturebaseApp, str, FeaturebaseWorkspace]) -> None:
    app, url, ws = fresh
    with httpx.Client(base_url=url, timeout=10) as raw:
        r = raw.post("/_sandbox/mutate", json={"action": "add_votes", "n": 2, "seed": 9})
        assert r.status_code == 200, r.text
        cast = r.json()["result"]
        assert len(cast) == 2 and all(len(pair) == 2 for pair in cast)
        truth = raw.get("/_sandbox/truth").json()["org_a"]["feedback"]
        for post_id, user_id in cast:
            assert user_id in truth["posts"][post_id]["voter_ids"]
        r = raw.post("/_sandbox/mutate", json={"action": "delete_post", "post_id": cast[0][0]})
        assert r.json() == {"ok": True, "result": True}
        r = raw.post("/_sandbox/mutate", json={"action": "change_post_status", "n": 2})
        assert len(r.json()["result"]) == 2
        # No key, wrong key: the feedback routes share the tickets' auth and error format.
        for headers in ({}, {"Authorization": "Bearer nope"}):
            for path in ("/v2/posts", f"/v2/posts/{cast[1][0]}/voters", "/v2/comments", "/v2/boards"):
                r = raw.get(path, headers={**VERSION, **headers})
                assert r.status_code == 401
                assert r.json()["error"]["type"] == "authentication_error"
    app.faults.inject("status", endpoint="GET /v2/posts/{id}/voters", status=429, retry_after=2)
    with _client(url) as client:
        r = client.get(f"/v2/posts/{cast[1][0]}/voters")
        assert r.status_code == 429 and r.headers["Retry-After"] == "2"
        assert client.get(f"/v2/posts/{cast[1][0]}/voters").status_code == 200
        assert client.get("/v2/boards").status_code == 200
    counts = app.request_counts()
    assert counts["GET /v2/posts/{id}/voters"] == 4
    assert counts["GET /v2/boards"] == 3
    assert counts["GET /v2/comments"] == 2
