"""The Product7 sandbox honours the VENDORS.md contract over real HTTP, generates every hard case a source must
survive, and its mutations, fault recipes, rate limiting and truth adapter behave as documented."""

from __future__ import annotations

import random
import re
import time
import uuid as uuid_lib
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import httpx
import pytest

from sandbox.framework.server import SandboxServer
from sandbox.product7 import (
    ACTIVITY_TYPES,
    AUTHOR_KINDS,
    HARD_CASES,
    SANDBOX,
    Product7App,
    Product7Workspace,
    delete_ticket_recipe,
    generate_workspace,
    touch_ticket_recipe,
)
from sandbox.product7.story import demo_day
from tests.truth import metrics, model
from tests.truth import product7 as truth_p7

KEY_A = "p7_key_acme"
KEY_B = "p7_key_globex"
TS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
STAGES = {"open", "in_progress", "waiting_on_customer", "resolved", "closed"}
TICKET_FIELDS = {
    "id", "uuid", "number", "title", "stage", "priority", "type", "requester", "status", "assignees", "tags",
    "created_at", "updated_at", "last_activity_at",
}  # fmt: skip
FEEDBACK_FIELDS = {
    "id", "title", "content", "board", "category", "status", "tags", "url", "url_slug", "vote_count",
    "comment_count", "author", "created_at", "updated_at",
}  # fmt: skip
FEEDBACK_STATUSES = {"open", "pending", "under_review", "planned", "in_progress", "completed", "closed"}


def _client(url: str, key: str | None = KEY_A) -> httpx.Client:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return httpx.Client(base_url=url, headers=headers, timeout=10)


def _ok(response: httpx.Response) -> Any:
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] is True
    return body


def _error(response: httpx.Response, status: int) -> str:
    """The Product7 error body: exactly {status: false, message}."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"status", "message"} and body["status"] is False and body["message"]
    return body["message"]


def _walk_tickets(client: httpx.Client, page_size: int = 100) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    first = _ok(client.get("/api/v1/tickets", params={"page": 1, "page_size": page_size}))
    items += first["data"]
    for page in range(2, first["meta"]["total_pages"] + 1):
        items += _ok(client.get("/api/v1/tickets", params={"page": page, "page_size": page_size}))["data"]
    return items


def _walk_feedback(client: httpx.Client, **params: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(items, metas) of a cursor walk."""
    items, metas, cursor = [], [], None
    for _ in range(1000):
        body = _ok(client.get("/api/v1/feedback", params={**params, **({"cursor": cursor} if cursor else {})}))
        items += body["data"]
        metas.append(body["meta"])
        cursor = body["meta"]["next_cursor"]
        if not cursor:
            return items, metas
    raise AssertionError("feedback pagination did not terminate")


@pytest.fixture(scope="module")
def big() -> Product7Workspace:
    return generate_workspace(seed=7, tickets=300, feedback=150)


@pytest.fixture(scope="module")
def served(big: Product7Workspace) -> Iterator[str]:
    """Read-only server over the 300-ticket workspace (tests using it must not mutate it)."""
    with SandboxServer(Product7App({KEY_A: big})) as server:
        yield server.url


@pytest.fixture(scope="module")
def details(served: str, big: Product7Workspace) -> dict[str, dict[str, Any]]:
    """Every ticket's detail as served over HTTP, by uuid."""
    with _client(served) as c:
        return {t["uuid"]: _ok(c.get(f"/api/v1/tickets/{t['uuid']}"))["data"] for t in _walk_tickets(c)}


@pytest.fixture()
def fresh() -> Iterator[tuple[Product7App, str, Product7Workspace]]:
    """A small workspace per test, for mutations and faults."""
    ws = generate_workspace(seed=11, tickets=120, feedback=60)
    app = Product7App({KEY_A: ws})
    with SandboxServer(app) as server:
        yield app, server.url, ws


# ------------------------------------------------------------------------------------------ generation
def test_generation_is_deterministic_fast_and_ids_overlap_across_workspaces() -> None:
    started = time.perf_counter()
    a1 = generate_workspace(seed=3, tickets=300)
    assert time.perf_counter() - started < 1.0
    a2 = generate_workspace(seed=3, tickets=300)
    assert a1.truth() == a2.truth()
    assert a1.list_tickets_all() == a2.list_tickets_all() and a1.feedback_items() == a2.feedback_items()
    some = a1.list_tickets_all()[17]["uuid"]
    assert a1.ticket_detail(some) == a2.ticket_detail(some)
    # Ticket data does not depend on the feedback size (its own generator, generated afterwards).
    assert generate_workspace(seed=3, tickets=300, feedback=10).truth()["tickets"] == a1.truth()["tickets"]
    b = generate_workspace(seed=4, tickets=300, workspace_id="globex")
    assert b.truth()["tickets"] != a1.truth()["tickets"]
    assert set(b.truth()["tickets"]) == set(a1.truth()["tickets"])  # per-kind counters: loaders key on account
    assert b.workspace_info["id"] != a1.workspace_info["id"] and b.workspace_info["domain"] == "globex"
    assert sorted(t["number"] for t in b.list_tickets_all()) == list(range(1001, 1301))


def test_sandbox_declaration() -> None:
    assert (SANDBOX.name, SANDBOX.api_path, SANDBOX.demo_key, SANDBOX.demo_scale) == (
        "product7",
        "",
        "p7_sandbox_key",
        300,
    )
    ws = SANDBOX.generate(5, 40, "demo")
    assert ws.truth()["ticket_count"] == 40 and ws.workspace_info["domain"] == "demo"
    assert isinstance(SANDBOX.app({SANDBOX.demo_key: ws}), Product7App)


# ------------------------------------------------------------------------------------ contract shapes
def test_envelopes_and_exact_fields(served: str, big: Product7Workspace) -> None:
    with _client(served) as c:
        me = _ok(c.get("/api/v1/me"))
        members = _ok(c.get("/api/v1/workspace/members"))
        statuses = _ok(c.get("/api/v1/ticket-statuses"))
        tickets = _ok(c.get("/api/v1/tickets", params={"page_size": 100}))
        detail = _ok(c.get(f"/api/v1/tickets/{tickets['data'][0]['uuid']}"))
        feedback = _ok(c.get("/api/v1/feedback"))
    assert set(me) == {"status", "data"} and set(me["data"]) == {"workspace"}
    workspace = me["data"]["workspace"]
    assert set(workspace) == {"id", "name", "domain"} and uuid_lib.UUID(workspace["id"])
    assert workspace == big.workspace_info and workspace["domain"] == "acme"

    assert set(members) == {"status", "data", "total"} and members["total"] == len(members["data"]) == 6
    for m in members["data"]:
        assert set(m) == {"id", "full_name", "email", "picture"} and "@" in m["email"]
    assert members["data"] == big.members

    assert set(statuses) == {"status", "data"} and len(statuses["data"]) >= 5
    assert [s["position"] for s in statuses["data"]] == sorted(s["position"] for s in statuses["data"])
    for s in statuses["data"]:
        assert set(s) == {"id", "name", "color_code", "icon_name", "closes_ticket", "position"}
    assert sorted(s["name"] for s in statuses["data"] if s["closes_ticket"]) == ["Closed", "Resolved"]

    assert set(tickets) == {"status", "data", "meta"}
    assert set(tickets["meta"]) == {"page", "page_size", "total", "total_pages"}
    member_ids = {m["id"] for m in members["data"]}
    for t in tickets["data"]:
        assert set(t) == TICKET_FIELDS
        assert t["id"] == f"T-{t['number']}" and uuid_lib.UUID(t["uuid"])
        assert t["priority"] in {"low", "medium", "high", "urgent"} and isinstance(t["stage"], str)
        assert t["type"] is None or set(t["type"]) == {"id", "name"}
        assert set(t["requester"]) == {"name", "email"}
        assert set(t["status"]) == {"id", "name", "closes_ticket"}
        assert all(set(a) == {"id", "full_name", "email"} and a["id"] in member_ids for a in t["assignees"])
        assert all(isinstance(tag, str) for tag in t["tags"])
        assert all(TS.match(t[k]) for k in ("created_at", "updated_at", "last_activity_at"))

    data = detail["data"]
    assert set(data) == TICKET_FIELDS | {"description", "activities"} and data["activities"]
    assert {k: data[k] for k in TICKET_FIELDS} == tickets["data"][0]
    for a in data["activities"]:
        assert set(a) == {"id", "type", "content", "timestamp", "author", "changes"} and TS.match(a["timestamp"])
        assert set(a["author"]) == {"id", "name", "email", "kind"}

    assert set(feedback) == {"status", "data", "meta"} and set(feedback["meta"]) == {"next_cursor", "has_more"}
    assert len(feedback["data"]) == 20 and feedback["meta"]["has_more"] is True
    for f in feedback["data"]:
        assert set(f) == FEEDBACK_FIELDS and uuid_lib.UUID(f["id"]) and f["status"] in FEEDBACK_STATUSES
        assert set(f["board"]) == {"id", "name"} and (f["category"] is None or set(f["category"]) == {"id", "name"})
        assert f["author"] is None or set(f["author"]) == {"id", "name", "email"}
        assert f["url"].endswith("/p/" + f["url_slug"]) and TS.match(f["created_at"]) and TS.match(f["updated_at"])


def test_auth_and_error_bodies(served: str) -> None:
    with _client(served, key=None) as anonymous:
        assert "Missing" in _error(anonymous.get("/api/v1/me"), 401)
        _error(anonymous.get("/api/v1/me", headers={"Authorization": "Basic abc"}), 401)
    with _client(served, key="p7_revoked") as wrong:
        assert "Invalid" in _error(wrong.get("/api/v1/tickets"), 401)
    with _client(served) as c:
        _error(c.get("/api/v1/nope"), 404)
        _error(c.get(f"/api/v1/tickets/{uuid_lib.UUID(int=1)}"), 404)
        _error(c.get("/api/v1/tickets/T-1001"), 404)  # the path takes the uuid, not the public label


# ----------------------------------------------------------------------------------------- tickets
def test_tickets_page_numbers_meta_order_and_validation(served: str, big: Product7Workspace) -> None:
    truth = big.truth()
    with _client(served) as c:
        first = _ok(c.get("/api/v1/tickets"))
        assert len(first["data"]) == 50
        assert first["meta"] == {"page": 1, "page_size": 50, "total": 300, "total_pages": 6}
        last = _ok(c.get("/api/v1/tickets", params={"page": 4, "page_size": 80}))
        assert len(last["data"]) == 60 and last["meta"]["total_pages"] == 4
        past = _ok(c.get("/api/v1/tickets", params={"page": 7}))
        assert past["data"] == [] and past["meta"] == {"page": 7, "page_size": 50, "total": 300, "total_pages": 6}
        for bad in ({"page_size": 101}, {"page_size": 0}, {"page": 0}, {"page": "x"}, {"page_size": "many"}):
            _error(c.get("/api/v1/tickets", params=bad), 400)
        assert len(_ok(c.get("/api/v1/tickets", params={"page_size": 100}))["data"]) == 100
        walked = _walk_tickets(c, page_size=37)
        closed = _ok(c.get("/api/v1/tickets", params={"stage": "closed", "page_size": 100}))
        search = _ok(c.get("/api/v1/tickets", params={"search": "SSO", "page_size": 100}))
    assert [t["uuid"] for t in walked] == [t["uuid"] for t in big.list_tickets_all()]
    assert len({t["uuid"] for t in walked}) == 300 and {t["uuid"] for t in walked} == set(truth["tickets"])
    keys = [(t["last_activity_at"], t["uuid"]) for t in walked]
    assert keys == sorted(keys, reverse=True)
    assert closed["meta"]["total"] == sum(t["stage"] == "closed" for t in truth["tickets"].values()) > 0
    assert all(t["stage"] == "closed" for t in closed["data"])
    assert search["data"] and all("sso" in t["title"].lower() for t in search["data"])


def test_details_timelines_are_consistent(details: dict[str, dict[str, Any]], big: Product7Workspace) -> None:
    statuses = {s["id"]: s for s in big.statuses}
    by_name = {s["name"]: s for s in big.statuses}
    members = {m["id"]: m for m in big.members}
    stage_of = {"Open": "open", "In progress": "in_progress", "Waiting on customer": "waiting_on_customer"}
    stage_of |= {"Escalated": "in_progress", "Resolved": "resolved", "Closed": "closed"}
    types: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    for ticket in details.values():
        acts = ticket["activities"]
        stamps = [a["timestamp"] for a in acts]
        assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)  # oldest first, strictly
        assert all(s > ticket["created_at"] for s in stamps)
        assert ticket["last_activity_at"] == (stamps[-1] if stamps else ticket["created_at"])
        assert ticket["updated_at"] == ticket["last_activity_at"]
        status, stage, priority, assignees = by_name["Open"]["id"], "open", None, []
        for a in acts:
            types[a["type"]] += 1
            kinds[a["author"]["kind"]] += 1
            changes = a["changes"]
            if a["type"] in ("comment", "reply", "internal_note"):
                assert changes is None and isinstance(a["content"], str)
            else:
                assert a["content"] is None and isinstance(changes, dict)
            if a["type"] == "reply":
                assert a["author"]["kind"] in ("member", "bot")
            if a["type"] == "internal_note":
                assert a["author"]["kind"] == "member"
            if a["type"] == "status_change":
                assert changes["from_status_id"] == status and changes["to_status_id"] in statuses
                status = changes["to_status_id"]
                stage = stage_of[statuses[status]["name"]]
            elif a["type"] == "stage_change":
                assert changes["from"] == stage
                stage = changes["to"]
            elif a["type"] == "assignment":
                assignees = changes["assignee_ids"]
                assert set(assignees) <= set(members)
            elif a["type"] == "priority_change":
                assert priority in (None, changes["from"])
                priority = changes["to"]
        assert ticket["status"] == {k: statuses[status][k] for k in ("id", "name", "closes_ticket")}
        assert ticket["stage"] == stage and [a["id"] for a in ticket["assignees"]] == assignees
        assert priority is None or ticket["priority"] == priority
        if ticket["status"]["closes_ticket"]:
            assert ticket["stage"] in ("resolved", "closed")
    assert set(types) == set(ACTIVITY_TYPES) and set(kinds) == set(AUTHOR_KINDS)
    assert sum(types.values()) == big.truth()["activity_count"]


def _ms(ts: str) -> int:
    return int(datetime.fromisoformat(ts).timestamp() * 1000)


def _never_resolved_within_minutes(ws: Product7Workspace, minutes: int = 5) -> None:
    """No ticket moves into a closing status less than `minutes` after it was created."""
    closing = {s["id"] for s in ws.statuses if s["closes_ticket"]}
    for item in ws.list_tickets_all():
        detail = ws.ticket_detail(item["uuid"])
        assert detail is not None
        for a in detail["activities"]:
            if a["type"] == "status_change" and a["changes"]["to_status_id"] in closing:
                assert _ms(a["timestamp"]) - _ms(detail["created_at"]) >= minutes * 60_000, detail["id"]


def test_resolution_is_never_seconds_after_creation(big: Product7Workspace) -> None:
    _never_resolved_within_minutes(big)


def test_every_hard_case_is_generated(details: dict[str, dict[str, Any]], big: Product7Workspace) -> None:
    """Scanned independently of the workspace's own hard_cases()."""
    closing = {s["id"] for s in big.statuses if s["closes_ticket"]}
    found: Counter[str] = Counter()
    titles = Counter(t["title"] for t in details.values())
    for ticket in details.values():
        acts = ticket["activities"]
        human = [i for i, a in enumerate(acts) if a["type"] in ("comment", "reply") and a["author"]["kind"] == "member"]
        before = acts[: human[0]] if human else []
        found["no_member_reply"] += not human
        found["bot_before_first_reply"] += any(a["author"]["kind"] == "bot" for a in before)
        found["system_before_first_reply"] += any(a["author"]["kind"] == "system" for a in before)
        found["note_before_first_reply"] += any(a["type"] == "internal_note" for a in before)
        pairs = {(a["author"]["kind"], a["type"]) for a in acts}
        found["bot_reply_type"] += ("bot", "reply") in pairs
        found["bot_comment_type"] += ("bot", "comment") in pairs
        found["member_comment_type"] += ("member", "comment") in pairs
        found["customer_comment"] += ("customer", "comment") in pairs
        found["system_status_change"] += ("system", "status_change") in pairs
        states = [a["changes"]["to_status_id"] in closing for a in acts if a["type"] == "status_change"]
        reopens = sum(1 for prev, cur in zip(states, states[1:], strict=False) if prev and not cur)
        found["closed_and_reopened"] += reopens >= 1
        # closed -> reopened -> closed -> reopened
        found["reopen_chain"] += reopens >= 2
        found["unknown_stage"] += ticket["stage"] not in STAGES
        found["duplicate_title"] += titles[ticket["title"]] > 1
    assert {case: found[case] for case in HARD_CASES if found[case] == 0} == {}
    assert set(found) == set(HARD_CASES)
    assert found["no_member_reply"] < 0.2 * len(details)  # hard cases, not the norm
    assert found["unknown_stage"] >= 1
    assert all(v > 0 for v in big.truth()["hard_cases"].values())


# ---------------------------------------------------------------------------------------- feedback
@pytest.mark.parametrize("sort", ["newest", "top", "trending", None])
def test_feedback_cursor_walks(served: str, big: Product7Workspace, sort: str | None) -> None:
    with _client(served) as c:
        items, metas = _walk_feedback(c, limit=7, **({"sort": sort} if sort else {}))
    assert len(items) == 150 and {i["id"] for i in items} == set(big.truth()["feedback"])
    assert metas[-1] == {"next_cursor": "", "has_more": False}
    assert all(m["has_more"] is True and m["next_cursor"] for m in metas[:-1]) and len(metas) == 22
    if sort in ("newest", None):
        keys = [(i["created_at"], i["id"]) for i in items]
        assert keys == sorted(keys, reverse=True) and items == big.feedback_items()
    elif sort == "top":
        votes = [i["vote_count"] for i in items]
        assert votes == sorted(votes, reverse=True)
        assert votes[0] > 10 * votes[len(votes) // 2]  # Zipf-like: a few very popular items
    else:
        assert items[0]["vote_count"] > 0


def test_feedback_validation_filters_and_duplicates(served: str, big: Product7Workspace) -> None:
    with _client(served) as c:
        for bad in ({"limit": 101}, {"limit": 0}, {"sort": "oldest"}, {"cursor": "garbage!!"}, {"cursor": "e30"}):
            _error(c.get("/api/v1/feedback", params=bad), 400)
        cursor = _ok(c.get("/api/v1/feedback", params={"limit": 5}))["meta"]["next_cursor"]
        _error(c.get("/api/v1/feedback", params={"sort": "top", "cursor": cursor}), 400)  # another sort's cursor
        assert len(_ok(c.get("/api/v1/feedback", params={"limit": 100}))["data"]) == 100
        planned, _ = _walk_feedback(c, statuses="planned", limit=100)
    assert planned and all(i["status"] == "planned" for i in planned)
    assert len(planned) == sum(f["status"] == "planned" for f in big.truth()["feedback"].values())
    titles = Counter(i["title"] for i in big.feedback_items())
    assert max(titles.values()) > 1
    assert {i["status"] for i in big.feedback_items()} == FEEDBACK_STATUSES


# --------------------------------------------------------------------------------------- mutations
def test_ticket_mutations(fresh: tuple[Product7App, str, Product7Workspace]) -> None:
    _, url, ws = fresh
    before = ws.truth()
    with _client(url) as c:
        touched = ws.add_activity(n=5, seed=1)
        now = ws.truth()["now"]
        top = _ok(c.get("/api/v1/tickets", params={"page_size": 5}))["data"]
        assert {t["uuid"] for t in top} == set(touched) and all(t["last_activity_at"] == now for t in top)
        assert [t["uuid"] for t in top] == sorted(touched, reverse=True)  # same instant: uuid desc
        after = ws.truth()["tickets"]
        assert all(after[u]["activity_count"] > before["tickets"][u]["activity_count"] for u in touched)

        explicit = ws.add_activity(uuids=[top[-1]["uuid"]])
        assert explicit == [top[-1]["uuid"]]

        added = ws.add_tickets(2)
        page1 = _ok(c.get("/api/v1/tickets", params={"page_size": 2}))
        assert {t["uuid"] for t in page1["data"]} == set(added) and page1["meta"]["total"] == 122
        new = _ok(c.get(f"/api/v1/tickets/{added[0]}"))["data"]
        assert new["activities"] == [] and new["number"] == 1121 and new["status"]["name"] == "Open"

        changed = ws.change_ticket_status(3, seed=2)
        for u in changed:
            detail = _ok(c.get(f"/api/v1/tickets/{u}"))["data"]
            last = detail["activities"][-1]
            assert last["type"] == "status_change" and last["changes"]["to_status_id"] == detail["status"]["id"]

        target = ws.ticket_on_page(3, page_size=20)
        count = ws.truth()["tickets"][target]["activity_count"]
        activity_id = ws.touch_ticket(target)
        first = _ok(c.get("/api/v1/tickets", params={"page_size": 1}))["data"][0]
        assert first["uuid"] == target and ws.truth()["tickets"][target]["activity_count"] == count + 1
        assert _ok(c.get(f"/api/v1/tickets/{target}"))["data"]["activities"][-1]["id"] == activity_id

        assert ws.delete_ticket(target) and not ws.delete_ticket(target)
        _error(c.get(f"/api/v1/tickets/{target}"), 404)
        assert target not in {t["uuid"] for t in _walk_tickets(c)}
        truth = ws.truth()
        assert truth["deleted_tickets"][target]["deleted"] is True and target not in truth["tickets"]
        with pytest.raises(KeyError):
            ws.touch_ticket(target)

        clock = ws.truth()["now"]
        assert ws.advance(3600) > clock
        with pytest.raises(ValueError):
            ws.advance(-1)


def test_malformed_records_and_unknown_field(fresh: tuple[Product7App, str, Product7Workspace]) -> None:
    _, url, ws = fresh
    numbers = ws.inject_malformed_tickets()
    ws.add_unknown_field("sentiment_score")
    touched = ws.add_activity(n=2, seed=3)
    with _client(url) as c:
        first = _ok(c.get("/api/v1/tickets", params={"page_size": 4}))
        walked = _walk_tickets(c, page_size=50)
        bad = _ok(c.get(f"/api/v1/tickets/{first['data'][1]['uuid']}"))["data"]
        detail = _ok(c.get(f"/api/v1/tickets/{touched[0]}"))["data"]
    assert "uuid" not in first["data"][0] and first["data"][1]["last_activity_at"] == "not-a-timestamp"
    assert [t["number"] for t in first["data"][:2]] == numbers and first["meta"]["total"] == 122
    assert {t["uuid"] for t in first["data"][2:]} == set(touched) and first["data"][2]["sentiment_score"] is not None
    assert len(walked) == 122 and bad["activities"] == []
    assert "sentiment_score" in detail
    assert "sentiment_score" not in next(t for t in walked[4:] if t["uuid"] not in touched)
    assert {m["reason"] for m in ws.truth()["malformed"]} == {"missing_uuid", "invalid_last_activity_at"}


def test_feedback_mutations(fresh: tuple[Product7App, str, Product7Workspace]) -> None:
    _, url, ws = fresh
    with _client(url) as c:

        def by_id() -> dict[str, dict[str, Any]]:
            return {i["id"]: i for i in _walk_feedback(c, limit=100)[0]}

        start = by_id()
        voted = ws.add_votes(25, seed=1)
        after_votes = by_id()
        for item_id, n in Counter(voted).items():
            assert after_votes[item_id]["vote_count"] == start[item_id]["vote_count"] + n
            assert after_votes[item_id]["updated_at"] == start[item_id]["updated_at"]  # no vote times
        removed = ws.remove_votes(10, seed=2)
        after_removal = by_id()
        for item_id, n in Counter(removed).items():
            assert after_removal[item_id]["vote_count"] == after_votes[item_id]["vote_count"] - n >= 0
            assert after_removal[item_id]["updated_at"] == start[item_id]["updated_at"]

        changed = ws.change_feedback_status(2, seed=3)
        commented = ws.add_feedback_comments(1, seed=4)
        now = ws.truth()["now"]
        current = by_id()
        for item_id in changed:
            assert current[item_id]["status"] != after_removal[item_id]["status"]
        assert current[commented[0]]["comment_count"] == after_removal[commented[0]]["comment_count"] + 1
        assert current[commented[0]]["updated_at"] == now

        (new_id,) = ws.add_feedback(1, seed=5)
        newest = _ok(c.get("/api/v1/feedback", params={"limit": 1}))["data"][0]
        assert newest["id"] == new_id and newest["vote_count"] == 0 and newest["status"] == "open"
        assert ws.delete_feedback(new_id) and not ws.delete_feedback(new_id)
        assert new_id not in by_id() and len(by_id()) == 60
    truth = ws.truth()
    assert new_id in truth["deleted_feedback"] and new_id not in truth["feedback"]
    assert sum(f["vote_count"] for f in truth["feedback"].values()) == sum(i["vote_count"] for i in current.values())


def test_clock_moves_on_mutations_only() -> None:
    ws = generate_workspace(seed=2, tickets=30, feedback=20)
    start = ws.truth()["now"]
    assert start == "2026-11-01T00:00:00.000Z"
    ws.list_tickets_all()
    ws.feedback_items()
    assert ws.truth()["now"] == start  # reads never move it, nor does real time
    for action, kwargs in [("add_votes", {}), ("remove_votes", {}), ("add_tickets", {}), ("add_activity", {})]:
        previous = ws.truth()["now"]
        getattr(ws, action)(**kwargs)
        assert _ms(ws.truth()["now"]) - _ms(previous) >= 1000, action


# ---------------------------------------------------------------------------------- control & faults
def test_control_api_two_workspaces_and_route_counts() -> None:
    acme = generate_workspace(seed=1, tickets=40, feedback=20, workspace_id="acme")
    globex = generate_workspace(seed=2, tickets=60, feedback=20, workspace_id="globex")
    app = Product7App({KEY_A: acme, KEY_B: globex})
    with SandboxServer(app) as server, httpx.Client(base_url=server.url, timeout=10) as ctl:
        with _client(server.url, KEY_A) as a, _client(server.url, KEY_B) as b:
            assert _ok(a.get("/api/v1/me"))["data"]["workspace"]["domain"] == "acme"
            assert _ok(b.get("/api/v1/me"))["data"]["workspace"]["domain"] == "globex"
            assert _ok(b.get("/api/v1/tickets"))["meta"]["total"] == 60
            added = ctl.post("/_sandbox/mutate", json={"workspace": "acme", "action": "add_tickets", "n": 2}).json()
            assert added["ok"] and len(added["result"]) == 2
            assert _ok(a.get("/api/v1/tickets"))["meta"]["total"] == 42
            found = ctl.post(
                "/_sandbox/mutate", json={"workspace": KEY_B, "action": "ticket_on_page", "page": 2, "page_size": 10}
            ).json()["result"]
            assert found == _ok(b.get("/api/v1/tickets", params={"page": 2, "page_size": 10}))["data"][0]["uuid"]
            assert ctl.post("/_sandbox/mutate", json={"action": "add_tickets", "n": 1}).status_code == 400
            assert ctl.post("/_sandbox/mutate", json={"workspace": "acme", "action": "drop"}).status_code == 400
            gone = {"workspace": "acme", "action": "touch_ticket", "uuid": "nope"}
            assert ctl.post("/_sandbox/mutate", json=gone).status_code == 400
            _ok(a.get(f"/api/v1/tickets/{added['result'][0]}"))
            _ok(a.get("/api/v1/feedback"))
        truth = ctl.get("/_sandbox/truth").json()
        assert set(truth) == {"acme", "globex"} and truth["acme"]["ticket_count"] == 42
        counts = ctl.get("/_sandbox/requests").json()["counts"]
    assert counts == {
        "GET /api/v1/me": 2,
        "GET /api/v1/tickets": 3,
        "GET /api/v1/tickets/{uuid}": 1,
        "GET /api/v1/feedback": 1,
    }


def test_fault_ticket_moves_to_page_one_mid_scan(fresh: tuple[Product7App, str, Product7Workspace]) -> None:
    app, url, ws = fresh
    moved = ws.ticket_on_page(3, page_size=20)
    assert moved is not None
    with httpx.Client(base_url=url, timeout=10) as ctl, _client(url) as c:
        assert ctl.post("/_sandbox/faults", json=touch_ticket_recipe(moved)).status_code == 200
        pages = []
        for page in range(1, 7):
            pages.append(_ok(c.get("/api/v1/tickets", params={"page": page, "page_size": 20}))["data"])
        seen = [t["uuid"] for p in pages for t in p]
        assert moved not in seen  # it was on page 3, moved to page 1 while page 2 was read
        assert len(seen) == 120 and len(set(seen)) == 119 and pages[0][-1]["uuid"] == pages[1][0]["uuid"]
        assert app.faults.active() == []
        high_water = max(t["last_activity_at"] for p in pages for t in p)
        rescan = _ok(c.get("/api/v1/tickets", params={"page_size": 20}))["data"]
    assert rescan[0]["uuid"] == moved and rescan[0]["last_activity_at"] > high_water


def test_fault_ticket_deleted_between_list_and_detail(fresh: tuple[Product7App, str, Product7Workspace]) -> None:
    _, url, ws = fresh
    with httpx.Client(base_url=url, timeout=10) as ctl, _client(url) as c:
        listed = _ok(c.get("/api/v1/tickets", params={"page_size": 10}))["data"]
        doomed = listed[4]["uuid"]
        assert ctl.post("/_sandbox/faults", json=delete_ticket_recipe(doomed)).status_code == 200
        _error(c.get(f"/api/v1/tickets/{doomed}"), 404)
        _ok(c.get(f"/api/v1/tickets/{listed[5]['uuid']}"))
        assert _ok(c.get("/api/v1/tickets"))["meta"]["total"] == 119
    assert doomed in ws.truth()["deleted_tickets"]


def test_rate_limit_and_status_faults_use_the_product7_body() -> None:
    ws = generate_workspace(seed=3, tickets=20, feedback=20)
    app = Product7App({KEY_A: ws}, rate_limit_per_minute=3, rate_window_seconds=30)
    with SandboxServer(app) as server, _client(server.url) as c:
        for _ in range(3):
            _ok(c.get("/api/v1/me"))
        limited = c.get("/api/v1/me")
        _error(limited, 429)
        assert int(limited.headers["Retry-After"]) >= 1
        app.configure(rate_limit_per_minute=None)
        for status in (403, 410, 500):
            app.faults.inject("status", endpoint="GET /api/v1/feedback", status=status)
            _error(c.get("/api/v1/feedback"), status)
        app.faults.inject("status", endpoint="GET /api/v1/tickets", status=429, retry_after=2)
        injected = c.get("/api/v1/tickets")
        _error(injected, 429)
        assert injected.headers["Retry-After"] == "2"
        app.faults.inject("truncate", endpoint="GET /api/v1/tickets")
        with pytest.raises(httpx.HTTPError):
            c.get("/api/v1/tickets").json()
    assert app.status_counts()[429] == 2


# ------------------------------------------------------------------------------------- story & truth
def test_demo_day_is_realistic(fresh: tuple[Product7App, str, Product7Workspace]) -> None:
    _, _, ws = fresh
    before = ws.truth()
    demo_day(ws, random.Random(1))
    after = ws.truth()
    assert _ms(after["now"]) - _ms(before["now"]) >= 24 * 3_600_000
    new = set(after["tickets"]) - set(before["tickets"])
    assert 3 <= len(new) <= 8
    changed = [
        u for u in before["tickets"] if after["tickets"][u]["activity_count"] > before["tickets"][u]["activity_count"]
    ]
    assert 10 <= len(changed) <= 35
    assert after["feedback_count"] == before["feedback_count"] + 1
    votes_before = {i: f["vote_count"] for i, f in before["feedback"].items()}
    assert any(after["feedback"][i]["vote_count"] != v for i, v in votes_before.items())
    _never_resolved_within_minutes(ws)


def test_truth_adapter_reads_the_payloads(big: Product7Workspace) -> None:
    truth = big.truth()
    tickets = truth_p7.tickets(big, "acme")
    assert len(tickets) == truth["ticket_count"] and {t.ticket_id for t in tickets} == set(truth["tickets"])
    assert sum(len(t.events) for t in tickets) == truth["activity_count"]
    assert all(t.source_system == "product7" and t.source_account == "acme" and not t.csat for t in tickets)
    assert {t.status_category for t in tickets} == set(model.STATUS_CATEGORIES)
    events = [e for t in tickets for e in t.events]
    assert {e.event_type for e in events} == set(model.EVENT_TYPES) - {"csat_request", "csat_rating"}
    assert {e.author_kind for e in events} == set(model.AUTHOR_KINDS)
    assert all(e.state is None for e in events if e.event_type != "status_change")
    assert {e.state for e in events if e.event_type == "status_change"} == {None, "open", "closed"}  # stage: None
    computed = [metrics.ticket_metrics(t) for t in tickets]
    assert any(m.reopen_count >= 2 for m in computed)
    assert sum(m.first_response_at is None for m in computed) >= truth["hard_cases"]["no_member_reply"]
    assert all(m.resolution_minutes is None or m.resolution_minutes >= 5 for m in computed)
    for t in tickets:
        category = {"Resolved": "solved", "Closed": "closed"}.get(truth["tickets"][t.ticket_id]["status_name"])
        assert category is None or t.status_category == category
    assert metrics.support_daily(tickets)

    feedback = truth_p7.feedback(big, "acme")
    assert len(feedback) == truth["feedback_count"]
    assert sum(f.vote_count for f in feedback) == sum(f["vote_count"] for f in truth["feedback"].values())
    assert {f.status_stage for f in feedback} <= set(model.STATUS_STAGES)
    assert all(f.voter_ids is None and f.mrr is None and f.comment_count is not None for f in feedback)


def test_truth_adapter_skips_deleted_and_malformed(fresh: tuple[Product7App, str, Product7Workspace]) -> None:
    _, _, ws = fresh
    ws.inject_malformed_tickets()
    gone = ws.ticket_on_page(2, page_size=10)
    assert gone is not None and ws.delete_ticket(gone)
    tickets = truth_p7.tickets(ws, "acme")
    assert len(tickets) == ws.truth()["ticket_count"] == 119 and gone not in {t.ticket_id for t in tickets}
