"""The UsersLoop stand-in over real HTTP: payload shapes, both Laravel paginators, validation, auth, the enforced
rate limit, mutations, the mid-scan insertion fault, determinism and the truth adapter."""

from __future__ import annotations

import random
import re
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from sandbox.framework.mux import VendorMux
from sandbox.framework.server import SandboxServer
from sandbox.usersloop import SANDBOX, UsersLoopApp, UsersLoopWorkspace, generate_workspace
from sandbox.usersloop.story import demo_day
from sandbox.usersloop.workspace import INVALID_TIMESTAMP
from tests.truth import usersloop as truth_adapter

KEY = "ul_test_key"
HEADERS = {"Authorization": f"Bearer {KEY}", "Accept": "application/json"}
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")

FEEDBACK_FIELDS = ["id", "title", "details", "status", "difficulty", "impact", "votes_count", "comments_count"]
FEEDBACK_FIELDS += ["created_at", "updated_at"]
FEEDBACK_DETAIL = FEEDBACK_FIELDS + ["boards", "tags", "account", "account_user"]
ROADMAP_FIELDS = ["id", "name", "details", "status", "difficulty", "impact", "created_at", "updated_at"]
ROADMAP_DETAIL = ROADMAP_FIELDS + ["tags", "feedback"]
UPDATE_FIELDS = ["id", "title", "details", "status", "schedule_at", "published_at", "notify_everyone"]
UPDATE_FIELDS += ["created_at", "updated_at"]
UPDATE_DETAIL = UPDATE_FIELDS + ["tags", "feedback", "roadmap"]
ARTICLE_FIELDS = ["id", "title", "summary", "status", "is_pinned", "category_id", "created_at", "updated_at"]
ARTICLE_DETAIL = ARTICLE_FIELDS + ["content_json", "category", "tags"]
BOARD_FIELDS = ["id", "name", "description", "color", "visibility", "open_feedbacks_count", "created_at"]
BOARD_FIELDS += ["updated_at"]
CATEGORY_FIELDS = ["id", "name", "slug", "description", "position", "is_public", "articles_count", "created_at"]
TOP_LEVEL_KEYS = ["current_page", "data", "first_page_url", "from", "last_page", "last_page_url", "links"]
TOP_LEVEL_KEYS += ["next_page_url", "path", "per_page", "prev_page_url", "to", "total"]
META_KEYS = ["current_page", "from", "last_page", "links", "path", "per_page", "to", "total"]


def _client(base: str, key: str = KEY) -> httpx.Client:
    return httpx.Client(base_url=f"{base}/api/v2", headers={**HEADERS, "Authorization": f"Bearer {key}"}, timeout=10)


def _walk(client: httpx.Client, path: str, **params: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Follow next-page URLs from page 1 (either paginator shape): (items, page bodies)."""
    r = client.get(path, params=params)
    bodies: list[dict[str, Any]] = []
    while True:
        assert r.status_code == 200, r.text
        body = r.json()
        bodies.append(body)
        nxt = body["links"]["next"] if "meta" in body else body["next_page_url"]
        if nxt is None:
            return [item for b in bodies for item in b["data"]], bodies
        assert len(bodies) < 500
        r = client.get(nxt)


@pytest.fixture(scope="module")
def ws() -> UsersLoopWorkspace:
    return generate_workspace(seed=7, feedback=200)


@pytest.fixture(scope="module")
def served(ws: UsersLoopWorkspace) -> Iterator[tuple[UsersLoopApp, str]]:
    """Read-only server without an enforced limit (tests using it must not mutate data or leave config)."""
    app = UsersLoopApp({KEY: ws}, rate_limit_per_minute=None)
    with SandboxServer(app) as server:
        yield app, server.url


@pytest.fixture()
def fresh() -> Iterator[tuple[UsersLoopApp, str, UsersLoopWorkspace]]:
    ws = generate_workspace(seed=11, feedback=120, product_id="product_f")
    app = UsersLoopApp({KEY: ws}, rate_limit_per_minute=None)
    with SandboxServer(app) as server:
        yield app, server.url, ws


# ---------------------------------------------------------------------------------------- generation
def test_deterministic_and_fast() -> None:
    a, b = generate_workspace(seed=3, feedback=150), generate_workspace(seed=3, feedback=150)
    assert a.truth() == b.truth()
    assert a.list_feedback() == b.list_feedback() and a.get_update(3) == b.get_update(3)
    other = generate_workspace(seed=4, feedback=150, product_id="product_b").truth()
    assert other["feedback"] != a.truth()["feedback"]
    assert set(other["feedback"]) == set(a.truth()["feedback"])  # per-product ids: loaders key on the account
    for day in range(3):
        demo_day(a, random.Random(day))
        demo_day(b, random.Random(day))
    assert a.truth() == b.truth()
    started = time.perf_counter()
    big = generate_workspace(seed=1, feedback=3000)
    assert time.perf_counter() - started < 2.0
    assert big.truth()["counts"]["feedback"] == 3000


def test_generated_product_is_plausible(ws: UsersLoopWorkspace) -> None:
    truth = ws.truth()
    assert truth["now"] == "2026-11-01T00:00:00.000000Z"
    fb = truth["feedback"]
    assert len(fb) == 200 and truth["counts"]["boards"] == 5
    votes = sorted((f["votes_count"] for f in fb.values()), reverse=True)
    assert votes[0] >= 100 and votes[len(votes) // 2] <= 5 and votes.count(0) >= 10  # Zipf-like
    assert sum(votes[:20]) > sum(votes[20:])
    assert any(not f["board_ids"] for f in fb.values()) and any(len(f["board_ids"]) > 1 for f in fb.values())
    titles = [f["title"] for f in fb.values()]
    assert len(set(titles)) < len(titles)  # duplicate titles
    assert {f["status"] for f in fb.values()} == {"new", "discussing", "planned", "in_progress", "completed"} | {
        "not_planned"
    }
    assert any(f["account"] is None for f in fb.values()) and any(f["account_user"] for f in fb.values())
    # Ids grow with creation time, so id desc is newest first.
    created = [fb[k]["created_at"] for k in sorted(fb, key=int)]
    assert created == sorted(created)
    for f in fb.values():
        assert f["created_at"] <= f["updated_at"] <= truth["now"]
    # What was shipped for whom: published updates address feedback, through completed roadmap items.
    published = [u for u in truth["updates"].values() if u["status"] == "published"]
    assert published and all(u["published_at"] for u in published)
    assert any(u["feedback_ids"] and u["roadmap_ids"] for u in published)
    assert {u["status"] for u in truth["updates"].values()} == {"draft", "scheduled", "published"}
    assert all(r["feedback_ids"] for r in truth["roadmap"].values())
    done = [
        fb[str(f)]["status"] for r in truth["roadmap"].values() if r["status"] == "complete" for f in r["feedback_ids"]
    ]
    assert done.count("completed") > len(done) / 2
    assert sum(len(c["article_ids"]) for c in truth["helpdesk"]["categories"].values()) == 20


# ------------------------------------------------------------------------------------------ payloads
def test_exact_fields_of_lists_and_details(served: tuple[UsersLoopApp, str], ws: UsersLoopWorkspace) -> None:
    _, url = served
    with _client(url) as client:
        boards = client.get("/boards").json()
        assert list(boards) == ["data"] and [list(b) for b in boards["data"]] == [BOARD_FIELDS] * 5
        assert boards["data"] == ws.list_boards()
        assert client.get("/boards/2").json() == {"data": ws.list_boards()[1]}
        categories = client.get("/helpdesk/categories").json()["data"]
        assert [list(c) for c in categories] == [CATEGORY_FIELDS] * 5
        assert [c["position"] for c in categories] == [1, 2, 3, 4, 5]
        assert client.get("/helpdesk/categories/3").json() == {"data": categories[2]}

        for path, fields, detail_fields in [
            ("/feedback", FEEDBACK_FIELDS, FEEDBACK_DETAIL),
            ("/roadmap", ROADMAP_FIELDS, ROADMAP_DETAIL),
            ("/updates", UPDATE_FIELDS, UPDATE_DETAIL),
            ("/helpdesk/articles", ARTICLE_FIELDS, ARTICLE_DETAIL),
        ]:
            items = client.get(path, params={"per_page": 100}).json()["data"]
            assert items and all(list(item) == fields for item in items), path  # relations only on details
            detail = client.get(f"{path}/{items[-1]['id']}").json()
            assert list(detail) == ["data"] and list(detail["data"]) == detail_fields, path
            assert {k: detail["data"][k] for k in fields} == items[-1]
            for item in items:
                assert TIMESTAMP.match(item["created_at"]) and TIMESTAMP.match(item["updated_at"])

        account_fb = next(int(k) for k, f in ws.truth()["feedback"].items() if f["account_user"] and f["board_ids"])
        detail = client.get(f"/feedback/{account_fb}").json()["data"]
        assert detail == ws.get_feedback(account_fb)
        assert set(detail["account"]) == {"id", "name"} and set(detail["account_user"]) == {"id", "name", "email"}
        assert all(set(b) == {"id", "name"} for b in detail["boards"] + detail["tags"])
        published = next(u for u in ws.list_updates(status="published") if ws.get_update(u["id"])["roadmap"])
        update = client.get(f"/updates/{published['id']}").json()["data"]
        assert all(set(f) == {"id", "title"} for f in update["feedback"])
        assert all(set(r) == {"id", "name"} for r in update["roadmap"])
        article = client.get("/helpdesk/articles/1").json()["data"]
        assert isinstance(article["content_json"], str) and article["content_json"].startswith('{"type":"doc"')
        assert set(article["category"]) == {"id", "name", "slug"}

        # Missing records: {"error"}; unknown API routes and write methods: Laravel's {"message"}.
        for path in ("/feedback/999999", "/roadmap/999", "/updates/abc", "/helpdesk/articles/0", "/boards/99"):
            r = client.get(path)
            assert r.status_code == 404 and set(r.json()) == {"error"}, path
        r = client.get("/votes")
        assert r.status_code == 404 and r.json() == {"message": "The route api/v2/votes could not be found."}
        r = client.post("/feedback", json={"title": "x"})
        assert r.status_code == 405 and "POST method is not supported" in r.json()["message"]


def test_order_filters_and_validation(served: tuple[UsersLoopApp, str], ws: UsersLoopWorkspace) -> None:
    _, url = served
    truth = ws.truth()
    with _client(url) as client:
        first = client.get("/feedback").json()
        assert first["per_page"] == 25 and len(first["data"]) == 25 and first["total"] == 200
        items, bodies = _walk(client, "/feedback", per_page=30)
        ids = [f["id"] for f in items]
        assert ids == sorted(map(int, truth["feedback"]), reverse=True) and len(bodies) == 7
        assert items == ws.list_feedback()
        for board in ws.board_ids():
            on_board, _ = _walk(client, "/feedback", board_id=board, per_page=100)
            assert [f["id"] for f in on_board] == sorted(truth["boards"][str(board)]["feedback_ids"], reverse=True)
        assert _walk(client, "/feedback", board_id=999)[0] == []
        planned, _ = _walk(client, "/feedback", status="planned", per_page=100)
        assert {f["id"] for f in planned} == {int(k) for k, f in truth["feedback"].items() if f["status"] == "planned"}
        for path, field in (("/roadmap", "complete"), ("/updates", "published"), ("/helpdesk/articles", "draft")):
            filtered, _ = _walk(client, path, status=field)
            assert filtered and all(i["status"] == field for i in filtered)
            everything, _ = _walk(client, path)
            assert [i["id"] for i in everything] == sorted((i["id"] for i in everything), reverse=True)
        in_category, _ = _walk(client, "/helpdesk/articles", category_id=2)
        assert {a["id"] for a in in_category} == set(truth["helpdesk"]["categories"]["2"]["article_ids"])
        # Laravel's paginator reads a bad page as page 1; past the end is an empty page.
        assert client.get("/feedback", params={"page": "abc"}).json()["current_page"] == 1
        past = client.get("/feedback", params={"page": 99}).json()
        assert past["data"] == [] and past["from"] is None and past["next_page_url"] is None

        r = client.get("/feedback", params={"per_page": 101})
        assert r.status_code == 422
        message = "The per page field must not be greater than 100."
        assert r.json() == {"message": message, "errors": {"per_page": [message]}}
        assert client.get("/feedback", params={"per_page": 100}).status_code == 200
        r = client.get("/roadmap", params={"per_page": 0, "status": "done"})
        assert r.status_code == 422
        assert r.json()["message"] == "The selected status is invalid. (and 1 more error)"
        assert r.json()["errors"]["per_page"] == ["The per page field must be at least 1."]
        r = client.get("/feedback", params={"board_id": "bugs"})
        assert r.json()["errors"] == {"board_id": ["The board id field must be an integer."]}


@pytest.mark.parametrize("paginator", ["top_level", "resource"])
def test_paginator_shapes_and_page_urls(ws: UsersLoopWorkspace, paginator: str) -> None:
    app = UsersLoopApp({KEY: ws}, rate_limit_per_minute=None, paginator=paginator)
    with SandboxServer(app) as server, _client(server.url) as client:
        params = {"status": "new", "per_page": 10, "board_id": 1}
        items, bodies = _walk(client, "/feedback", **params)
        assert items == ws.list_feedback(board_id=1, status="new")
        pages = len(bodies)
        assert pages == -(-len(items) // 10) >= 2
        path = f"{server.url}/api/v2/feedback"
        for number, body in enumerate(bodies, start=1):
            if paginator == "resource":
                assert list(body) == ["data", "links", "meta"] and list(body["meta"]) == META_KEYS
                links, meta = body["links"], body["meta"]
                first, last, prev, nxt = links["first"], links["last"], links["prev"], links["next"]
            else:
                assert list(body) == TOP_LEVEL_KEYS
                links, meta = {}, body
                first, last = body["first_page_url"], body["last_page_url"]
                prev, nxt = body["prev_page_url"], body["next_page_url"]
            assert meta["current_page"] == number and meta["last_page"] == pages and meta["total"] == len(items)
            assert meta["path"] == path and meta["per_page"] == 10
            assert meta["from"] == (number - 1) * 10 + 1 and meta["to"] == meta["from"] + len(body["data"]) - 1
            for link, page in ((first, 1), (last, pages), (prev, number - 1), (nxt, number + 1)):
                if page < 1 or page > pages:
                    assert link is None
                    continue
                split = urlsplit(link)
                assert f"{split.scheme}://{split.netloc}{split.path}" == path
                assert parse_qs(split.query) == {"status": ["new"], "per_page": ["10"], "board_id": ["1"]} | {
                    "page": [str(page)]
                }
            labels = [link["label"] for link in meta["links"]]
            assert labels[0] == "&laquo; Previous" and labels[-1] == "Next &raquo;" and len(labels) == pages + 2
        assert nxt is None  # the last page


def test_paginator_switch_and_public_url_at_run_time(ws: UsersLoopWorkspace) -> None:
    app = UsersLoopApp({KEY: ws}, rate_limit_per_minute=None)
    mux = VendorMux({"usersloop": app})
    with SandboxServer(mux) as server:
        base = SANDBOX.base_url(server.url)
        assert base == f"{server.url}/usersloop/api/v2"
        with httpx.Client(base_url=base, headers=HEADERS, timeout=10) as client:
            body = client.get("/roadmap", params={"per_page": 5}).json()
            assert "next_page_url" in body
            # Without public_url the mounted app cannot know its prefix; a proxy header tells it.
            assert body["next_page_url"] == f"{server.url}/api/v2/roadmap?per_page=5&page=2"
            hinted = client.get("/roadmap", params={"per_page": 5}, headers={"X-Forwarded-Prefix": "/usersloop"})
            assert hinted.json()["next_page_url"] == f"{base}/roadmap?per_page=5&page=2"

            r = httpx.post(f"{server.url}/usersloop/_sandbox/config", json={"paginator": "resource"})
            assert r.status_code == 200 and r.json()["paginator"] == "resource"
            assert r.json()["rate_limit_per_minute"] is None
            body = client.get("/roadmap", params={"per_page": 5}).json()
            assert list(body) == ["data", "links", "meta"]
            r = httpx.post(f"{server.url}/usersloop/_sandbox/config", json={"public_url": "/usersloop"})
            assert r.json()["public_url"] == "/usersloop"
            items, bodies = _walk(client, "/roadmap", per_page=5)
            assert items == ws.list_roadmap() and len(bodies) == 4
            assert bodies[0]["links"]["next"] == f"{base}/roadmap?per_page=5&page=2"
            assert bodies[0]["meta"]["path"] == f"{base}/roadmap"

            app.configure(paginator="top_level", public_url=base)  # absolute form, with the API path
            items, bodies = _walk(client, "/updates", per_page=4)
            assert items == ws.list_updates() and bodies[0]["next_page_url"].startswith(f"{base}/updates?")
            assert app.configure(public_url=None)["public_url"] is None
            r = httpx.post(f"{server.url}/usersloop/_sandbox/config", json={"paginator": "simple"})
            assert r.status_code == 400
            assert httpx.post(f"{server.url}/usersloop/_sandbox/config", json={"colour": 1}).status_code == 400


# -------------------------------------------------------------------------------------- auth, accept
def test_auth_and_accept_header(ws: UsersLoopWorkspace) -> None:
    other = generate_workspace(seed=8, feedback=30, product_id="product_b")
    app = UsersLoopApp({KEY: ws, "ul_other": other}, rate_limit_per_minute=None)
    with SandboxServer(app) as server:
        with _client(server.url, "ul_other") as client:
            assert client.get("/feedback").json()["total"] == 30  # one product per key
        for headers in ({"Accept": "application/json"}, {"Accept": "application/json", "Authorization": "Bearer no"}):
            for path in ("/api/v2/feedback", "/api/v2/boards", "/api/v2/feedback/1", "/api/v2/helpdesk/categories"):
                r = httpx.get(server.url + path, headers=headers)
                assert r.status_code == 401 and r.json() == {"message": "Unauthenticated."}
                assert r.headers["X-RateLimit-Limit"] == "60"
        assert app.missing_accept_header_count() == 0
        # Without Accept: still JSON by default, but counted.
        r = httpx.get(f"{server.url}/api/v2/boards", headers={"Authorization": f"Bearer {KEY}"})
        assert r.status_code == 200 and r.json()["data"]
        assert httpx.get(f"{server.url}/_sandbox/requests").json()["missing_accept_header"] == 1
        # Strict: an unauthenticated browser-like request is sent to the login page, like Laravel does.
        app.configure(strict_accept=True)
        r = httpx.get(f"{server.url}/api/v2/feedback", follow_redirects=True)
        assert r.history[0].status_code == 302 and r.history[0].headers["Location"] == f"{server.url}/login"
        assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
        assert "X-RateLimit-Limit" not in r.headers
        assert httpx.get(f"{server.url}/api/v2/feedback", headers={"Accept": "application/json"}).status_code == 401
        # A base URL without /api/v2 reaches the web app: HTML with status 200.
        r = httpx.get(f"{server.url}/feedback", headers=HEADERS)
        assert r.status_code == 200 and r.text.startswith("<!DOCTYPE html>")


def test_enforced_rate_limit() -> None:
    ws = generate_workspace(seed=2, feedback=20)
    app = UsersLoopApp({KEY: ws, "ul_other": ws}, rate_limit_per_minute=5, rate_window_seconds=1.0)
    with SandboxServer(app) as server, _client(server.url) as client:
        remaining = []
        for _ in range(5):
            r = client.get("/feedback")
            assert r.status_code == 200
            remaining.append(r.headers["X-RateLimit-Remaining"])
            assert r.headers["X-RateLimit-Limit"] == "5" and "X-RateLimit-Reset" not in r.headers
        assert remaining == ["4", "3", "2", "1", "0"]
        r = client.get("/boards")
        assert r.status_code == 429 and r.json() == {"message": "Too Many Attempts."}
        assert r.headers["Retry-After"] == "1" and r.headers["X-RateLimit-Remaining"] == "0"
        assert "X-RateLimit-Reset" not in r.headers
        with _client(server.url, "ul_other") as other:  # per key
            assert other.get("/boards").status_code == 200
        time.sleep(float(r.headers["Retry-After"]) + 0.05)
        assert client.get("/feedback").status_code == 200
        assert app.status_counts()[429] == 1
        log = [entry for entry in app.logged_requests() if entry["status"] == 200]
        assert len(log) == 7 and all(entry["keyed"] for entry in log)
        # Runtime change: 60 per 2 s, then no limit (headers keep advertising the documented 60).
        assert app.configure(rate_limit_per_minute=60, rate_window_seconds=2)["rate_window_seconds"] == 2.0
        assert client.get("/feedback").headers["X-RateLimit-Remaining"] == "59"
        app.configure(rate_limit_per_minute=None)
        for _ in range(70):
            r = client.get("/boards")
            assert r.status_code == 200 and r.headers["X-RateLimit-Limit"] == "60"


def test_default_limit_is_sixty_per_minute() -> None:
    app = UsersLoopApp({KEY: generate_workspace(seed=2, feedback=10)})
    assert (app.rate_limit_per_minute, app.rate_window_seconds) == (60, 60.0)
    with SandboxServer(app) as server, _client(server.url) as client:
        statuses = [client.get("/boards").status_code for _ in range(61)]
        assert statuses == [200] * 60 + [429]
        r = client.get("/boards")
        assert 55 <= int(r.headers["Retry-After"]) <= 60


# ------------------------------------------------------------------------------------------ mutations
def test_votes_and_comments_do_not_move_updated_at(fresh: tuple[UsersLoopApp, str, UsersLoopWorkspace]) -> None:
    _, url, ws = fresh
    before = ws.truth()
    voted = ws.add_votes(30, seed=1)
    removed = ws.remove_votes(5, seed=2)
    commented = ws.add_comments(4, seed=3)
    after = ws.truth()
    assert after["now"] > before["now"]
    assert after["counts"]["votes"] == before["counts"]["votes"] + 30 - 5
    changed = set(voted) | set(removed) | set(commented)
    for fid in changed:
        k = str(fid)
        delta = voted.count(fid) - removed.count(fid)
        assert after["feedback"][k]["votes_count"] == before["feedback"][k]["votes_count"] + delta
        assert after["feedback"][k]["updated_at"] == before["feedback"][k]["updated_at"]  # DECISION
    assert (
        after["feedback"][str(commented[0])]["comments_count"] > before["feedback"][str(commented[0])]["comments_count"]
    )
    with _client(url) as client:
        fid = voted[0]
        assert (
            client.get(f"/feedback/{fid}").json()["data"]["votes_count"] == after["feedback"][str(fid)]["votes_count"]
        )


def test_status_board_and_new_feedback(fresh: tuple[UsersLoopApp, str, UsersLoopWorkspace]) -> None:
    _, url, ws = fresh
    before = ws.truth()
    (changed,) = ws.change_status(1, seed=4)
    truth = ws.truth()
    assert truth["feedback"][str(changed)]["status"] != before["feedback"][str(changed)]["status"]
    assert truth["feedback"][str(changed)]["updated_at"] == truth["now"]

    ws.advance(86_400)
    (move,) = ws.move_board(1, seed=5)
    truth = ws.truth()
    moved = truth["feedback"][str(move["id"])]
    assert move["to"] in moved["board_ids"] and move["from"] not in moved["board_ids"]
    assert moved["updated_at"] == truth["now"] == "2026-11-02T00:00:02.000000Z"
    with _client(url) as client:
        on_target, _ = _walk(client, "/feedback", board_id=move["to"], per_page=100)
        assert move["id"] in {f["id"] for f in on_target}
        if move["from"] is not None:
            on_source, _ = _walk(client, "/feedback", board_id=move["from"], per_page=100)
            assert move["id"] not in {f["id"] for f in on_source}
        detail = client.get(f"/feedback/{move['id']}").json()["data"]
        assert move["to"] in {b["id"] for b in detail["boards"]}

        new_ids = ws.add_feedback(2, seed=6)
        assert new_ids == [121, 122]
        page = client.get("/feedback", params={"per_page": 3}).json()
        assert [f["id"] for f in page["data"][:2]] == [122, 121] and page["total"] == 122
        newest = page["data"][0]
        assert newest["status"] == "new" and newest["votes_count"] == newest["comments_count"] == 0
        assert newest["created_at"] == newest["updated_at"] == ws.truth()["now"]


def test_roadmap_updates_and_deletions(fresh: tuple[UsersLoopApp, str, UsersLoopWorkspace]) -> None:
    _, url, ws = fresh
    before = ws.truth()
    (rid,) = ws.change_roadmap(1, seed=7)
    truth = ws.truth()
    item, was = truth["roadmap"][str(rid)], before["roadmap"][str(rid)]
    assert item["updated_at"] == truth["now"]
    assert item["status"] != was["status"] or len(item["feedback_ids"]) >= len(was["feedback_ids"])
    (new_rid,) = ws.add_roadmap(1, seed=8)
    assert ws.truth()["roadmap"][str(new_rid)]["status"] == "planned"

    (draft,) = ws.add_update(1, seed=9)
    assert ws.truth()["updates"][str(draft)]["status"] == "draft"
    published = ws.publish_update(2, seed=10)
    truth = ws.truth()
    assert all(truth["updates"][str(u)]["published_at"] == truth["now"] for u in published)
    with _client(url) as client:
        listed = client.get("/updates", params={"status": "published", "per_page": 100}).json()["data"]
        assert set(published) <= {u["id"] for u in listed}

        victim = next(int(f) for r in truth["roadmap"].values() for f in r["feedback_ids"])
        assert ws.delete_feedback(victim) is True and ws.delete_feedback(victim) is False
        assert client.get(f"/feedback/{victim}").status_code == 404
        assert victim not in {f["id"] for f in _walk(client, "/feedback", per_page=100)[0]}
        truth = ws.truth()
        assert truth["deleted"]["feedback"] == [victim] and str(victim) not in truth["feedback"]
        assert all(victim not in r["feedback_ids"] for r in truth["roadmap"].values())
        assert all(victim not in u["feedback_ids"] for u in truth["updates"].values())

        assert ws.delete_roadmap(rid) and client.get(f"/roadmap/{rid}").status_code == 404
        assert all(rid not in u["roadmap_ids"] for u in ws.truth()["updates"].values())
        assert ws.delete_update(published[0]) and client.get(f"/updates/{published[0]}").status_code == 404
        count = client.get("/helpdesk/articles").json()["total"]
        assert ws.delete_article(1) and client.get("/helpdesk/articles/1").status_code == 404
        assert client.get("/helpdesk/articles").json()["total"] == count - 1
        assert ws.truth()["deleted"] == {
            "feedback": [victim],
            "roadmap": [rid],
            "updates": [published[0]],
            "articles": [1],
        }


def test_malformed_and_unknown_field(fresh: tuple[UsersLoopApp, str, UsersLoopWorkspace]) -> None:
    _, url, ws = fresh
    info = ws.inject_malformed_feedback()
    assert [i["reason"] for i in info] == ["missing_id", "invalid_updated_at"]
    bad_id = info[1]["id"]
    with _client(url) as client:
        top = client.get("/feedback", params={"per_page": 3}).json()["data"]
        assert "id" not in top[0] and top[1]["id"] == bad_id and top[1]["updated_at"] == INVALID_TIMESTAMP
        assert client.get(f"/feedback/{bad_id}").json()["data"]["updated_at"] == INVALID_TIMESTAMP
        assert client.get(f"/feedback/{bad_id + 1}").status_code == 404  # the item without id is unreachable
        truth = ws.truth()
        assert str(bad_id) not in truth["feedback"] and truth["malformed"] == info

        assert ws.add_unknown_field("sentiment_score") == "sentiment_score"
        item = client.get("/feedback", params={"per_page": 100}).json()["data"][-1]
        assert item["sentiment_score"] is None  # a new column: null on rows not written since
        (changed,) = ws.change_status(1, seed=1)
        detail = client.get(f"/feedback/{changed}").json()["data"]
        assert isinstance(detail["sentiment_score"], float)
        assert list(detail)[: len(FEEDBACK_FIELDS)] == FEEDBACK_FIELDS
        assert ws.truth()["unknown_field"] == "sentiment_score"


def test_control_api_mutations(fresh: tuple[UsersLoopApp, str, UsersLoopWorkspace]) -> None:
    _, url, ws = fresh
    with httpx.Client(base_url=url, timeout=10) as raw:
        for payload in (
            {"action": "add_votes", "n": 3, "seed": 1},
            {"action": "remove_votes", "n": 1},
            {"action": "change_status", "n": 2},
            {"action": "move_board", "n": 1},
            {"action": "add_feedback", "n": 1},
            {"action": "change_roadmap", "n": 1},
            {"action": "publish_update", "n": 1},
            {"action": "add_update", "n": 1},
            {"action": "advance", "seconds": 3600},
            {"action": "delete_feedback", "feedback_id": 1},
            {"action": "delete_article", "article_id": 2},
            {"action": "inject_malformed_feedback"},
            {"action": "add_unknown_field", "name": "mood"},
        ):
            r = raw.post("/_sandbox/mutate", json=payload)
            assert r.status_code == 200, (payload, r.text)
        assert r.json()["result"] == "mood"
        truth = raw.get("/_sandbox/truth").json()["product_f"]
        assert truth == ws.truth() and truth["deleted"]["feedback"] == [1]
        assert raw.post("/_sandbox/mutate", json={"action": "drop_tables"}).status_code == 400
        assert raw.post("/_sandbox/mutate", json={"action": "add_votes", "m": 1}).status_code == 400


# --------------------------------------------------------------------------------------------- faults
def test_new_items_inserted_mid_scan(fresh: tuple[UsersLoopApp, str, UsersLoopWorkspace]) -> None:
    app, url, ws = fresh
    app.faults.inject("mutate", endpoint="GET /api/v2/feedback", after=1, mutation={"action": "add_feedback", "n": 3})
    with _client(url) as client:
        page1 = client.get("/feedback", params={"per_page": 10}).json()
        page2 = client.get(page1["next_page_url"]).json()
    ids1, ids2 = [f["id"] for f in page1["data"]], [f["id"] for f in page2["data"]]
    assert ids1 == list(range(120, 110, -1))
    assert ids2[:3] == ids1[-3:]  # shifted by the 3 new items: page 2 repeats the tail of page 1
    assert page2["total"] == page1["total"] + 3 == 123
    assert [f["id"] for f in ws.list_feedback()[:3]] == [123, 122, 121]  # the new ones, missed by this scan
    assert app.faults.active() == []


def test_faults_on_any_route_and_mutate_fault_per_product() -> None:
    a = generate_workspace(seed=5, feedback=20, product_id="product_a")
    b = generate_workspace(seed=6, feedback=20, product_id="product_b")
    app = UsersLoopApp({KEY: a, "ul_b": b}, rate_limit_per_minute=None)
    with SandboxServer(app) as server:
        app.faults.inject("status", endpoint="GET /api/v2/helpdesk/categories", status=429, retry_after=3)
        app.faults.inject("status", endpoint="GET /api/v2/roadmap/{id}", status=503)
        app.faults.inject("delay", endpoint="GET /api/v2/boards", delay=0.2)
        app.faults.inject("truncate", endpoint="GET /api/v2/updates")
        with _client(server.url) as client:
            r = client.get("/helpdesk/categories")
            assert r.status_code == 429 and r.headers["Retry-After"] == "3"
            assert r.json() == {"message": "Too Many Attempts."}
            r = client.get("/roadmap/1")
            assert r.status_code == 503 and r.json() == {"message": "Service Unavailable"}
            started = time.perf_counter()
            assert client.get("/boards").status_code == 200 and time.perf_counter() - started >= 0.2
            with pytest.raises(httpx.HTTPError):
                client.get("/updates").json()
        app.faults.inject("mutate", endpoint="GET /api/v2/feedback", mutation={"action": "add_feedback", "n": 2})
        with _client(server.url, "ul_b") as client:
            assert client.get("/feedback").json()["total"] == 22  # the requester's product changed
        assert app.truth()["product_a"]["counts"]["feedback"] == 20
        with pytest.raises(ValueError, match="several products"):
            app.mutate({"action": "advance", "seconds": 1})
        assert app.mutate({"product": "product_a", "action": "add_feedback", "n": 1}) == [21]


# ------------------------------------------------------------------------------- story, registry, truth
def test_demo_day_and_registry() -> None:
    ws = SANDBOX.generate(9, 0, "demo")
    assert ws.truth()["counts"]["feedback"] == SANDBOX.demo_scale == 200
    before = ws.truth()
    SANDBOX.demo_day(ws, random.Random(1))
    after = ws.truth()
    assert after["now"].startswith("2026-11-02")
    assert after["counts"]["votes"] > before["counts"]["votes"] and after["counts"]["feedback"] > 200
    assert any(after["feedback"][k]["status"] != f["status"] for k, f in before["feedback"].items())
    assert SANDBOX.base_url("http://127.0.0.1:9", shared_port=False) == "http://127.0.0.1:9/api/v2"
    app = SANDBOX.app({SANDBOX.demo_key: ws}, **(SANDBOX.app_options or {}))
    assert isinstance(app, UsersLoopApp)
    assert (app.rate_limit_per_minute, app.rate_window_seconds, app.public_url) == (60, 3.0, "/usersloop")
    with SandboxServer(VendorMux({SANDBOX.name: app})) as server:
        base = SANDBOX.base_url(server.url)
        headers = {"Authorization": f"Bearer {SANDBOX.demo_key}", "Accept": "application/json"}
        with httpx.Client(base_url=base, headers=headers, timeout=10) as client:
            items, _ = _walk(client, "/feedback", per_page=100)  # next_page_url carries the /usersloop prefix
            assert len(items) == after["counts"]["feedback"]
            assert client.get("/boards").headers["X-RateLimit-Limit"] == "60"


def test_truth_adapter_matches_truth(fresh: tuple[UsersLoopApp, str, UsersLoopWorkspace]) -> None:
    _, _, ws = fresh
    ws.inject_malformed_feedback()
    demo_day(ws, random.Random(3))
    ws.publish_update(1, seed=2)
    truth = ws.truth()
    records = truth_adapter.feedback(ws, "acme")
    assert {r.feedback_id for r in records} == set(truth["feedback"])  # malformed ones are left out
    stages = dict(truth_adapter.STATUS_STAGES)
    for r in records:
        t = truth["feedback"][r.feedback_id]
        assert (r.source_system, r.source_account, r.title) == ("usersloop", "acme", t["title"])
        assert r.status_stage == stages[t["status"]] and r.vote_count == t["votes_count"]
        assert r.comment_count == t["comments_count"] and r.voter_ids is None and r.mrr is None
    assert {r.status_stage for r in records} == {"open", "under_review", "planned", "in_progress", "done", "declined"}

    rows = truth_adapter.roadmap(ws, "acme")
    expected = {("roadmap", k, f) for k, r in truth["roadmap"].items() for f in r["feedback_ids"]}
    expected |= {
        ("update", k, f) for k, u in truth["updates"].items() if u["status"] == "published" for f in u["feedback_ids"]
    }
    assert {(r["kind"], r["item_id"], int(r["feedback_id"])) for r in rows} == expected
    assert len(rows) == len(expected)
    shipped = [r for r in rows if r["kind"] == "update"]
    assert shipped and all(r["status"] == "published" and r["published_at"] is not None for r in shipped)
