"""The Featurebase sandbox honours the documented contract and its test hooks (faults, counts, mutations)."""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import orjson
import pytest

from sandbox.featurebase import PART_TYPES, FeaturebaseApp, FeaturebaseWorkspace, generate_workspace
from sandbox.framework.server import SandboxServer

KEY_A = "fb_key_org_a"
KEY_B = "fb_key_org_b"
VERSION = {"Featurebase-Version": "2026-01-01.nova"}


def _client(url: str, key: str = KEY_A, **kwargs: Any) -> httpx.Client:
    return httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}", **VERSION}, timeout=10, **kwargs)


def _walk(client: httpx.Client, **params: Any) -> list[dict[str, Any]]:
    """Every ticket of a list walk, following nextCursor."""
    items: list[dict[str, Any]] = []
    cursor = None
    for _ in range(10_000):
        query = {"limit": 100, **params, **({"cursor": cursor} if cursor else {})}
        r = client.get("/v2/tickets", params=query)
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["object"] == "list"
        items.extend(body["data"])
        cursor = body["nextCursor"]
        if cursor is None:
            return items
    raise AssertionError("pagination did not terminate")


@pytest.fixture(scope="module")
def big() -> FeaturebaseWorkspace:
    return generate_workspace(seed=7, tickets=500)


@pytest.fixture(scope="module")
def served(big: FeaturebaseWorkspace) -> Iterator[tuple[FeaturebaseApp, str]]:
    """Read-only server over the 500-ticket org (tests here must not mutate it)."""
    app = FeaturebaseApp({KEY_A: big})
    with SandboxServer(app) as server:
        yield app, server.url


@pytest.fixture()
def fresh() -> Iterator[tuple[FeaturebaseApp, str, FeaturebaseWorkspace]]:
    """A small org per test, for mutations and faults."""
    ws = generate_workspace(seed=11, tickets=120, parts_per_ticket=8)
    app = FeaturebaseApp({KEY_A: ws})
    with SandboxServer(app) as server:
        yield app, server.url, ws


# ------------------------------------------------------------------------------------ generation
def test_generation_is_deterministic_and_ids_overlap_across_seeds() -> None:
    a1 = generate_workspace(seed=3, tickets=150).truth()
    a2 = generate_workspace(seed=3, tickets=150).truth()
    b = generate_workspace(seed=4, tickets=150, org_id="org_b").truth()
    assert a1 == a2
    assert a1["tickets"] != b["tickets"]
    # Per-kind counters: both orgs use the same ticket ids and numbers (loaders must key on the account).
    assert set(a1["tickets"]) == set(b["tickets"])
    assert sorted(t["ticketNumber"] for t in b["tickets"].values()) == list(range(1, 151))


def test_workspace_volume_part_types_and_consistency(big: FeaturebaseWorkspace) -> None:
    truth = big.truth()
    assert truth["ticket_count"] == 500
    assert truth["part_count"] >= 5000
    assert set(truth["part_types"]) == set(PART_TYPES)
    assert truth["statuses"] == 7 and 3 <= truth["categories"] <= 4 and truth["custom_fields"] >= 4
    scores = [c["score"] for c in truth["csat"]]
    assert scores and all(1 <= s <= 5 for s in scores)
    assert sum(s >= 4 for s in scores) / len(scores) > 0.6
    part_ids: set[str] = set()
    reopened = 0
    for n in range(1, 501):
        ticket = big.get_ticket(n)
        assert ticket is not None
        parts = ticket["conversationParts"]
        assert [p["createdAt"] for p in parts] == sorted(p["createdAt"] for p in parts)
        assert ticket["updatedAt"] == parts[-1]["createdAt"]
        part_ids.update(p["id"] for p in parts)
        states = [p["status"] for p in parts if p["partType"] == "status"]
        last_state = next((s for s in reversed(states) if s != "snoozed"), "open")
        if states and states[-1] != "snoozed":
            assert ticket["open"] == (last_state == "open")
        assert ticket["open"] == (ticket["status"]["type"] not in ("completed", "canceled"))
        reopened += states.count("closed") >= 1 and states[-1] == "open"
        requests = {p["csat"]["requestId"]: p for p in parts if p["partType"] == "rating_requested"}
        for p in parts:
            if p["partType"] == "rating_submitted":
                assert p["csat"]["requestId"] in requests
                assert p["csat"]["ratedAgent"]["type"] == "teammate"
                assert requests[p["csat"]["requestId"]]["csat"]["status"] == "rated"
    assert len(part_ids) == truth["part_count"]
    assert reopened > 0
    assert all(len(i) == 24 and int(i, 16) >= 0 for i in part_ids)


def test_ticket_shape_matches_documented_fields(served: tuple[FeaturebaseApp, str]) -> None:
    _, url = served
    with _client(url) as c:
        listed = c.get("/v2/tickets", params={"limit": 5}).json()["data"][0]
        detail = c.get(f"/v2/tickets/{listed['ticketNumber']}").json()
        statuses = c.get("/v2/tickets/statuses").json()
        categories = c.get("/v2/tickets/categories").json()
        fields = c.get("/v2/tickets/custom_fields").json()
    expected = {
        "id", "object", "ticketNumber", "title", "content", "categoryType", "ticketCategoryId", "ticketUrl",
        "author", "assigneeId", "teamAssigneeId", "companyId", "customFields", "integrations",
        "linkedConversations", "open", "snoozedUntil", "status", "createdAt", "updatedAt",
    }  # fmt: skip
    assert set(listed) == expected
    assert set(detail) == expected | {"conversationParts"}
    assert listed["object"] == "ticket" and listed["status"]["object"] == "post_status"
    assert listed["createdAt"].endswith("Z") and len(listed["createdAt"]) == 24
    assert isinstance(statuses, list) and sum(s["isDefault"] for s in statuses) == 1
    assert isinstance(categories, list) and all(b["object"] == "board" for b in categories)
    assert fields["object"] == "list" and fields["nextCursor"] is None
    assert fields["pagination"]["total"] == len(fields["data"])


# ------------------------------------------------------------------------------------ pagination
@pytest.mark.parametrize("sort_by", ["date", "recent", "ticketNumber"])
@pytest.mark.parametrize("order", ["asc", "desc"])
def test_pagination_walks_every_ticket_once(served: tuple[FeaturebaseApp, str], sort_by: str, order: str) -> None:
    app, url = served
    with _client(url) as c:
        items = _walk(c, sortBy=sort_by, sortOrder=order, limit=37)
    ids = [t["id"] for t in items]
    assert len(ids) == len(set(ids)) == 500
    assert set(ids) == set(app.truth()["org_a"]["tickets"])
    assert all("conversationParts" not in t for t in items)
    field = {"date": "createdAt", "recent": "updatedAt", "ticketNumber": "ticketNumber"}[sort_by]
    keys = [(t[field], t["id"]) for t in items]
    assert keys == sorted(keys, reverse=order == "desc")


def test_filters(served: tuple[FeaturebaseApp, str], big: FeaturebaseWorkspace) -> None:
    _, url = served
    truth = big.truth()["tickets"]
    status_id = next(iter(truth.values()))["status_id"]
    with _client(url) as c:
        by_status = _walk(c, statusIds=status_id)
        assert {t["id"] for t in by_status} == {i for i, t in truth.items() if t["status_id"] == status_id}
        tracker = _walk(c, categoryType="tracker")
        assert tracker and all(t["categoryType"] == "tracker" for t in tracker)
        found = _walk(c, q="refund")
        assert found and all("refund" in t["title"].lower() for t in found)


def test_pages_stay_stable_while_tickets_change() -> None:
    ws = generate_workspace(seed=5, tickets=90, parts_per_ticket=6)
    with SandboxServer(FeaturebaseApp({KEY_A: ws})) as server, _client(server.url) as c:
        seen: list[str] = []
        cursor = None
        while True:
            params: dict[str, Any] = {"limit": 20, "sortBy": "date", **({"cursor": cursor} if cursor else {})}
            body = c.get("/v2/tickets", params=params).json()
            seen.extend(t["id"] for t in body["data"])
            ws.mutate_tickets(n=10, seed=len(seen))
            ws.add_tickets(1)
            cursor = body["nextCursor"]
            if cursor is None:
                break
    assert len(seen) == len(set(seen))
    # Newer tickets land before the first page (date desc); every original ticket is seen exactly once.
    assert set(seen) == set(generate_workspace(seed=5, tickets=90, parts_per_ticket=6).truth()["tickets"])


# ------------------------------------------------------------------------------------ errors
@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"sortBy": "priority"}, "sortBy"),
        ({"sortOrder": "up"}, "sortOrder"),
    ],
)
def test_list_validation_errors(served: tuple[FeaturebaseApp, str], params: dict[str, Any], param: str) -> None:
    _, url = served
    with _client(url) as c:
        r = c.get("/v2/tickets", params=params)
    assert r.status_code == 400
    err = r.json()["error"]
    assert err["type"] == "invalid_request_error" and err["param"] == param and err["status"] == 400


def test_invalid_cursor(served: tuple[FeaturebaseApp, str]) -> None:
    _, url = served
    with _client(url) as c:
        good = c.get("/v2/tickets", params={"sortBy": "date"}).json()["nextCursor"]
        other_sort = c.get("/v2/tickets", params={"cursor": good, "sortBy": "ticketNumber"})
        garbage = c.get("/v2/tickets", params={"cursor": "%%%not-base64"})
        not_json = c.get("/v2/tickets", params={"cursor": base64.b64encode(b"hello").decode()})
    for r in (other_sort, garbage, not_json):
        assert r.status_code == 400
        assert r.json()["error"]["code"] == "invalid_cursor"


def test_auth_version_and_not_found(served: tuple[FeaturebaseApp, str]) -> None:
    app, url = served
    secret = "sk_live_do_not_echo_me"
    with _client(url, key=secret) as c:
        bad_key = c.get("/v2/tickets")
    with httpx.Client(base_url=url) as c:
        no_key = c.get("/v2/tickets", headers=VERSION)
    with _client(url) as c:
        before = app.missing_version_header_count()
        no_version = c.get("/v2/tickets", headers={"Featurebase-Version": ""})
        wrong_version = c.get("/v2/tickets", headers={"Featurebase-Version": "2024-01-01.old"})
        unknown = c.get("/v2/tickets/999999")
        not_a_number = c.get("/v2/tickets/abc")
        c.headers.pop("Featurebase-Version")
        missing = c.get("/v2/tickets/statuses")
    for r in (bad_key, no_key):
        assert r.status_code == 401
        assert r.json()["error"] == {
            "type": "authentication_error",
            "code": "invalid_api_key",
            "message": r.json()["error"]["message"],
            "status": 401,
        }
    assert secret not in bad_key.text
    assert missing.status_code == 200 and app.missing_version_header_count() == before + 1
    assert no_version.status_code == 400 and wrong_version.status_code == 400
    assert wrong_version.json()["error"]["param"] == "Featurebase-Version"
    for r in (unknown, not_a_number):
        assert r.status_code == 404
        assert r.json()["error"]["code"] == "resource_not_found"


# ------------------------------------------------------------------------------------ faults
def test_status_fault_with_retry_after_times_and_after(fresh: tuple[FeaturebaseApp, str, FeaturebaseWorkspace]) -> None:
    app, url, _ = fresh
    app.faults.inject("status", endpoint="GET /v2/tickets", status=429, retry_after=2, times=2, after=1)
    with _client(url) as c:
        detail = c.get("/v2/tickets/1")  # other route: not affected
        codes = [c.get("/v2/tickets") for _ in range(4)]
    assert detail.status_code == 200
    assert [r.status_code for r in codes] == [200, 429, 429, 200]
    limited = codes[1]
    assert limited.headers["Retry-After"] == "2"
    assert limited.json()["error"]["type"] == "rate_limit_error" and limited.json()["error"]["status"] == 429
    assert app.status_counts()[429] == 2
    app.faults.inject("status", status=503)
    with _client(url) as c:
        r = c.get("/v2/tickets/statuses")
    assert r.status_code == 503 and r.json()["error"]["type"] == "api_error"


def test_truncate_fault_gives_incomplete_read(fresh: tuple[FeaturebaseApp, str, FeaturebaseWorkspace]) -> None:
    app, url, _ = fresh
    app.faults.inject("truncate", endpoint="GET /v2/tickets/{ticketNumber}")
    with _client(url) as c:
        with pytest.raises(httpx.RemoteProtocolError):
            c.get("/v2/tickets/3")
        assert c.get("/v2/tickets/3").status_code == 200  # the client recovers on a new connection


def test_delay_fault_and_latency(fresh: tuple[FeaturebaseApp, str, FeaturebaseWorkspace]) -> None:
    app, url, _ = fresh
    app.faults.inject("delay", delay=0.3)
    with _client(url) as c:
        t0 = time.perf_counter()
        assert c.get("/v2/tickets").status_code == 200
        assert time.perf_counter() - t0 >= 0.3
        app.latency_ms = 50
        t0 = time.perf_counter()
        c.get("/v2/tickets/statuses")
        assert time.perf_counter() - t0 >= 0.05


def test_rate_limit_per_key(fresh: tuple[FeaturebaseApp, str, FeaturebaseWorkspace]) -> None:
    app, url, _ = fresh
    with _client(url) as c:
        r = c.get("/v2/tickets/statuses")
        assert r.headers["X-RateLimit-Limit"] == "2000"  # documented limit, advertised but not enforced
        app.rate_limit_per_minute = 3
        got = [c.get("/v2/tickets/statuses") for _ in range(4)]
    assert [r.status_code for r in got] == [200, 200, 200, 429]
    assert [r.headers["X-RateLimit-Remaining"] for r in got] == ["2", "1", "0", "0"]
    assert 1 <= int(got[-1].headers["Retry-After"]) <= 60
    assert int(got[-1].headers["X-RateLimit-Reset"]) >= int(time.time())
    assert got[-1].json()["error"]["type"] == "rate_limit_error"


# ------------------------------------------------------------------------------------ counting
def test_request_counting_and_concurrency(fresh: tuple[FeaturebaseApp, str, FeaturebaseWorkspace]) -> None:
    app, url, _ = fresh
    errors: list[str] = []
    # One shared client (thread-safe) with a big pool: 16 concurrent keep-alive connections.
    client = _client(url, limits=httpx.Limits(max_connections=32, max_keepalive_connections=32))

    def worker(i: int) -> None:
        for j in range(10):
            r = client.get(f"/v2/tickets/{(i * 10 + j) % 120 + 1}")
            if r.status_code != 200 or r.json()["ticketNumber"] != (i * 10 + j) % 120 + 1:
                errors.append(r.text[:100])
        client.get("/v2/tickets", params={"limit": 5})
        client.get("/nope")
        client.get("/_sandbox/requests")  # control calls are not counted

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    client.close()
    assert not errors
    assert app.request_counts() == {"GET /v2/tickets/{ticketNumber}": 160, "GET /v2/tickets": 16, "UNMATCHED": 16}
    assert app.status_counts() == {200: 176, 404: 16}
    app.reset_request_counts()
    assert app.request_counts() == {} and app.status_counts() == {}


# ------------------------------------------------------------------------------------ mutations
def test_mutations_bump_updated_at_and_order(fresh: tuple[FeaturebaseApp, str, FeaturebaseWorkspace]) -> None:
    _, url, ws = fresh
    before = ws.truth()
    changed = ws.mutate_tickets(n=6, seed=1)
    added = ws.add_tickets(2)
    new_ids = ws.add_parts(changed[0], n=3)
    now = ws.truth()["now"]
    assert len(new_ids) == len(set(new_ids)) == 3
    assert ws.delete_ticket(changed[-1])
    after = ws.truth()
    assert now > before["now"]
    with _client(url) as c:
        top = c.get("/v2/tickets", params={"sortBy": "recent", "limit": 10}).json()["data"]
        assert c.get(f"/v2/tickets/{changed[-1]}").status_code == 404
        detail = c.get(f"/v2/tickets/{changed[0]}").json()
    touched = set(changed[:-1]) | set(added)
    assert {t["ticketNumber"] for t in top[: len(touched)]} == touched
    assert top[0]["ticketNumber"] == changed[0] and top[0]["updatedAt"] == now
    tail = detail["conversationParts"][-3:]
    assert [p["id"] for p in tail] == new_ids and tail[-1]["createdAt"] == now
    assert tail[0]["createdAt"] < tail[1]["createdAt"] < tail[2]["createdAt"]  # strictly ordered, 1 ms apart
    by_number = {t["ticketNumber"]: t for t in after["tickets"].values()}
    for n in changed[:-1]:
        old = next(t for t in before["tickets"].values() if t["ticketNumber"] == n)
        assert by_number[n]["updatedAt"] > old["updatedAt"]
        assert by_number[n]["part_count"] > old["part_count"]
    assert after["ticket_count"] == before["ticket_count"] + 1
    assert max(by_number) == 122 and changed[-1] not in by_number
    assert [d["ticketNumber"] for d in after["deleted"].values()] == [changed[-1]]


def test_malformed_records_and_unknown_field(fresh: tuple[FeaturebaseApp, str, FeaturebaseWorkspace]) -> None:
    _, url, ws = fresh
    ws.inject_malformed_tickets()
    ws.add_unknown_field("sentimentScore")
    changed = ws.mutate_tickets(n=3, seed=2)
    truth = ws.truth()
    assert {m["reason"] for m in truth["malformed"]} == {"missing_id", "invalid_updatedAt"}
    with _client(url) as c:
        first = c.get("/v2/tickets", params={"sortBy": "recent", "sortOrder": "desc", "limit": 3}).json()["data"]
        walked = _walk(c, sortBy="recent", limit=7)
        plain = _walk(c, sortBy="date")
        detail = c.get(f"/v2/tickets/{changed[0]}").json()
    assert "id" not in first[0] and first[1]["updatedAt"] == "not-a-timestamp"
    assert first[2]["ticketNumber"] in changed and first[2]["sentimentScore"] is not None
    assert len(walked) == truth["ticket_count"] + 2
    assert {t["id"] for t in walked[2:]} == set(truth["tickets"])
    assert len(plain) == truth["ticket_count"]  # only the recent/desc feed carries them
    assert "sentimentScore" in detail
    untouched = next(t for t in plain if t["ticketNumber"] not in changed)
    assert "sentimentScore" not in untouched


# ------------------------------------------------------------------------------------ control API / orgs
def test_control_api_over_http_and_two_orgs() -> None:
    org_a = generate_workspace(seed=1, tickets=40, org_id="org_a", parts_per_ticket=6)
    org_b = generate_workspace(seed=2, tickets=60, org_id="org_b", parts_per_ticket=6)
    app = FeaturebaseApp({KEY_A: org_a, KEY_B: org_b})
    with SandboxServer(app) as server, httpx.Client(base_url=server.url, timeout=10) as ctl:
        with _client(server.url, KEY_B) as b:
            assert len(_walk(b)) == 60
            r = ctl.post("/_sandbox/faults", json={"kind": "status", "status": 500, "endpoint": "GET /v2/tickets"})
            assert r.status_code == 200
            assert b.get("/v2/tickets").status_code == 500
            ctl.post("/_sandbox/faults", json={"kind": "status", "status": 502})
            assert ctl.delete("/_sandbox/faults").status_code == 200
            assert b.get("/v2/tickets").status_code == 200
        stats = ctl.get("/_sandbox/requests").json()
        assert stats["counts"] == {"GET /v2/tickets": 3} and stats["statuses"] == {"200": 2, "500": 1}
        assert ctl.post("/_sandbox/requests/reset").status_code == 200
        assert ctl.get("/_sandbox/requests").json()["counts"] == {}
        truth = ctl.get("/_sandbox/truth").json()
        assert set(truth) == {"org_a", "org_b"}
        assert truth["org_a"]["ticket_count"] == 40 and truth["org_b"]["ticket_count"] == 60
        assert set(truth["org_a"]["tickets"]) < set(truth["org_b"]["tickets"])  # overlapping ids
        changed = ctl.post("/_sandbox/mutate", json={"org": "org_b", "action": "mutate_tickets", "n": 4}).json()
        assert changed["ok"] and len(changed["result"]) == 4
        added = ctl.post("/_sandbox/mutate", json={"org": "org_a", "action": "add_tickets", "n": 2}).json()
        assert added["result"] == [41, 42]
        bad = ctl.post("/_sandbox/mutate", json={"org": "org_a", "action": "drop_database"})
        assert bad.status_code == 400
        assert ctl.post("/_sandbox/mutate", json={"org": "nope", "action": "advance", "seconds": 1}).status_code == 400
        with _client(server.url, KEY_A) as a:
            assert len(_walk(a)) == 42
        assert app.request_counts() == {"GET /v2/tickets": 1}


def test_cursor_is_opaque_base64_keyset(served: tuple[FeaturebaseApp, str]) -> None:
    _, url = served
    with _client(url) as c:
        cursor = c.get("/v2/tickets", params={"limit": 1, "sortBy": "ticketNumber"}).json()["nextCursor"]
    decoded = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    assert decoded["k"] == 500 and len(decoded["id"]) == 24
