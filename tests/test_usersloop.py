"""UsersLoop against its stand-in: the 60-a-minute limit kept (scaled to 60 per 4 s) with zero 429s at >= 90 % of
the allowance, a burst of 429s survived, both paginator shapes, the request count of every kind of run against
the minimum the data needs, items inserted mid-scan, progress, credentials and error bodies.

The minimum of a run is computed here from the stand-in's truth, not from the source: every list page, a detail
per new record and per changed roadmap item / update / article, and for changed feedback the cheaper of a detail
each or every board's list (a new feedback item's tags, account and account user exist only in its detail).
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from pipelines.runner import LoadResult, load_account
from pipelines.warehouse import Warehouse, open_warehouse
from sandbox.usersloop import generate_workspace
from sources.common.errors import ApiError, AuthenticationError
from sources.common.http import SlidingWindowLimiter
from sources.usersloop import helpers, settings
from tests.support.sandboxes import Sandbox, serve
from tests.support.warehouses import has_table, raw_query
from tests.vendors.usersloop import ARTICLES, DETAILS, DRIVER, FEEDBACK, ROADMAP, UPDATES

KEY = "ul_test_key_a"
# the vendor's 60 a minute, the minute scaled to 4 s: the client's window is the vendor's + 0.15 s at least
# (sources/common/http.py), so the best share is 4 / 4.15 = 0.96, a margin over 0.9 that a loaded CI machine's
# timer jitter cannot eat (at 2 s the best was 0.93)
LIMIT, WINDOW = 60, 4.0
FEEDBACK_DETAIL = f"{FEEDBACK}/{{id}}"


@pytest.fixture
def limited(monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    """A product of 60 feedback items behind the stand-in's limit of 60 requests per 4 s, the client set alike."""
    monkeypatch.setenv("SOURCES__USERSLOOP__RATE_LIMIT_PER_MINUTE", str(LIMIT))
    monkeypatch.setenv("SOURCES__USERSLOOP__RATE_WINDOW_SECONDS", str(WINDOW))
    workspace = generate_workspace(seed=5, feedback=60, product_id="acct_a")
    with serve("usersloop", {KEY: workspace}, rate_limit_per_minute=LIMIT, rate_window_seconds=WINDOW) as sandbox:
        yield sandbox


@pytest.fixture
def unlimited(monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    """The same product without a limit on either side (request counts, not timing, are under test)."""
    for name, value in DRIVER.env.items():
        monkeypatch.setenv(name, value)
    workspace = generate_workspace(seed=5, feedback=60, product_id="acct_a")
    with serve("usersloop", {KEY: workspace}, **DRIVER.app_options) as sandbox:
        yield sandbox


def _load(sandbox: Sandbox, warehouse: Warehouse, **kwargs: Any) -> LoadResult:
    result = load_account(sandbox.account(), warehouse, as_of=kwargs.pop("as_of", sandbox.workspace.now), **kwargs)
    assert result.ok, result.error
    return result


def _assert_exact(sandbox: Sandbox, warehouse: Warehouse) -> None:
    assert DRIVER.raw_loaded(warehouse, "default") == DRIVER.raw_truth(sandbox.workspace)


def _share_of_allowance(times: list[float]) -> tuple[float, float]:
    """(median, lowest) of window / span of each LIMIT consecutive requests after the first LIMIT: 1.0 is a client
    that sends the next request the instant the server's window frees a slot; a 429 needs a span < window."""
    ratios = sorted(WINDOW / (times[j] - times[j - LIMIT]) for j in range(LIMIT, len(times)))
    return ratios[len(ratios) // 2], ratios[0]


def test_a_full_run_at_the_limit_gets_no_429_and_uses_the_allowance(limited: Sandbox, warehouse: Warehouse) -> None:
    progress: list[dict[str, Any]] = []
    result = _load(limited, warehouse, progress=lambda label, phase, info: progress.append(info))
    log = limited.app.logged_requests()
    times = [entry["at"] for entry in log]
    assert len(log) >= 30 and len(log) > LIMIT  # a full window and more
    assert Counter(entry["status"] for entry in log) == {200: len(log)}  # zero 429s
    median, lowest = _share_of_allowance(times)
    rate = (len(times) - 1) / (times[-1] - times[0]) * WINDOW / LIMIT  # requests per window over the whole run
    assert median >= 0.9 and lowest >= 0.8 and rate >= 0.9, (median, lowest, rate)
    _assert_exact(limited, warehouse)
    # progress: a plan while it ran, and the plan met exactly at the end
    planned = [info for info in progress if "planned" in info]
    assert planned and planned[0]["requests"] < len(log)
    assert planned[-1]["planned"] == planned[-1]["requests"] == result.requests["requests"] == len(log)
    assert any(info.get("seconds_left", 0) > 0 for info in planned)


def test_a_run_right_after_another_finds_the_spent_window_and_gets_no_429(
    limited: Sandbox, warehouse: Warehouse
) -> None:
    """Another client of the same key (another process: its own limiter) spends 45 of the 60 just before; the
    server's X-RateLimit-Remaining tells the run, which never meets a 429."""
    other = helpers.make_client(KEY, limited.base_url, "default", None, None)  # no limiter of ours at all
    for _ in range(45):
        other.get(settings.BOARDS.path)
    other.close()
    _load(limited, warehouse)
    statuses = Counter(entry["status"] for entry in limited.app.logged_requests())
    assert statuses[429] == 0 and statuses[200] > LIMIT
    _assert_exact(limited, warehouse)


def test_a_burst_of_429s_ends_ok_with_exact_truth(limited: Sandbox, warehouse: Warehouse) -> None:
    faults = limited.app.faults
    faults.inject("status", endpoint=FEEDBACK, status=429, retry_after=1, times=3)
    faults.inject("status", endpoint=FEEDBACK_DETAIL, status=429, retry_after=1, times=3, after=10)
    result = _load(limited, warehouse)
    assert limited.app.status_counts()[429] == 6  # the injected ones, none of the limiter's
    assert result.requests["throttled"] == 6 and result.requests["retries"] == 6
    _assert_exact(limited, warehouse)


def _pages(n: int, page_size: int = settings.PAGE_SIZE) -> int:
    return max(1, math.ceil(n / page_size))


def _minimum(before: dict[str, Any] | None, after: dict[str, Any]) -> dict[str, int]:
    """The fewest requests a run needs to read `after` when it last read `before` (None: a first run)."""
    old = before or {"feedback": {}, "roadmap": {}, "updates": {}, "helpdesk": {"articles": {}}}
    lists = 2 + _pages(len(after["feedback"])) + _pages(len(after["roadmap"])) + _pages(len(after["updates"]))
    lists += _pages(len(after["helpdesk"]["articles"]))

    def new_or_changed(now: dict[str, Any], then: dict[str, Any]) -> tuple[int, int]:
        new = sum(1 for i in now if i not in then)
        return new, sum(1 for i, v in now.items() if i in then and v["updated_at"] != then[i]["updated_at"])

    feedback_new, feedback_changed = new_or_changed(after["feedback"], old["feedback"])
    board_pages = sum(_pages(len(board["feedback_ids"])) for board in after["boards"].values())
    others = sum(
        sum(new_or_changed(now, then))
        for now, then in (
            (after["roadmap"], old["roadmap"]),
            (after["updates"], old["updates"]),
            (after["helpdesk"]["articles"], old["helpdesk"]["articles"]),
        )
    )
    return {
        "lists": lists,
        "feedback_new": feedback_new,
        "feedback_changed": feedback_changed,
        "relations": feedback_new + min(feedback_changed, board_pages),
        "details_ceiling": feedback_new + feedback_changed + others,
        "total": lists + feedback_new + min(feedback_changed, board_pages) + others,
    }


def test_every_kind_of_run_equals_truth_at_the_minimum_requests(
    unlimited: Sandbox, warehouse: Warehouse, capsys: pytest.CaptureFixture[str]
) -> None:
    workspace = unlimited.workspace
    scenarios = [
        ("full run (backfill)", lambda: None),
        ("no change", lambda: None),
        ("votes and comments only", lambda: (workspace.add_votes(30, seed=1), workspace.add_comments(5, seed=2))),
        ("a few edits and new items", lambda: (workspace.change_status(2, seed=3), workspace.add_feedback(2, seed=4))),
        ("many board moves (per-board scans)", lambda: workspace.move_board(12, seed=5)),
        (
            "roadmap, updates, articles",
            lambda: (
                workspace.change_roadmap(2, seed=6),
                workspace.add_update(1, seed=7),
                workspace.publish_update(1, seed=8),
            ),
        ),
        ("deletions", lambda: (workspace.delete_feedback(3), workspace.delete_roadmap(2), workspace.delete_article(1))),
    ]
    before = None
    report = []
    for number, (name, change) in enumerate(scenarios):
        workspace.advance(3600)
        change()
        after = workspace.truth()
        unlimited.app.reset_request_counts()
        _load(unlimited, warehouse, as_of=workspace.now + timedelta(seconds=number))
        counts = unlimited.app.request_counts()
        made = sum(counts.values())
        details = sum(counts.get(route, 0) for route in DETAILS)
        need = _minimum(before, after)
        report.append(f"{name:36} requests {made:4} (minimum {need['total']:4}), details {details:3}")
        _assert_exact(unlimited, warehouse)
        assert made == need["total"], (name, counts, need)
        assert details <= need["details_ceiling"], (name, details, need)
        if name in ("no change", "votes and comments only"):
            assert details == 0 and set(counts) <= DRIVER.list_routes
        before = after
    with capsys.disabled():
        print("\nUsersLoop requests per run (60 feedback items, 5 boards):\n" + "\n".join(report))


def test_votes_become_observations_without_a_detail(unlimited: Sandbox, warehouse: Warehouse) -> None:
    workspace = unlimited.workspace
    _load(unlimited, warehouse)
    voted = set(map(str, workspace.add_votes(10, seed=3)))
    unlimited.app.reset_request_counts()
    _load(unlimited, warehouse, as_of=workspace.now + timedelta(hours=1))
    assert not set(unlimited.app.request_counts()) & DETAILS
    latest = raw_query(
        warehouse,
        "select feedback_id, vote_count from usersloop.vote_observations where observed_at = "
        "(select max(observed_at) from usersloop.vote_observations)",
    )
    truth = workspace.truth()["feedback"]
    assert {f for f, _ in latest} == voted and all(n == truth[f]["votes_count"] for f, n in latest)


def test_both_paginator_shapes_load_identical_rows(unlimited: Sandbox, tmp_path: Any, monkeypatch: Any) -> None:
    monkeypatch.setenv("SOURCES__USERSLOOP__PAGE_SIZE", "7")  # several pages of every list
    loaded = []
    for shape in ("top_level", "resource"):
        unlimited.app.configure(paginator=shape)
        warehouse = open_warehouse(tmp_path / shape / "warehouse.duckdb", "duckdb")
        _load(unlimited, warehouse)
        loaded.append(DRIVER.raw_loaded(warehouse, "default"))
        rows = raw_query(warehouse, "select id, title, votes_count, updated_at from usersloop.feedback order by id")
        loaded.append(rows)
    assert loaded[0] == loaded[2] == DRIVER.raw_truth(unlimited.workspace) and loaded[1] == loaded[3]


def test_items_inserted_mid_scan_are_neither_duplicated_nor_lost(
    unlimited: Sandbox, warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCES__USERSLOOP__PAGE_SIZE", "25")
    workspace = unlimited.workspace
    _load(unlimited, warehouse)
    mutation = {"action": "add_feedback", "n": 3}
    unlimited.app.faults.inject("mutate", endpoint=FEEDBACK, after=1, times=1, mutation=mutation)
    unlimited.app.reset_request_counts()
    _load(unlimited, warehouse, as_of=workspace.now + timedelta(hours=1))
    rows = raw_query(warehouse, "select id, count(*) from usersloop.feedback group by id having count(*) > 1")
    assert rows == []
    # page 2 repeated the last 3 items of page 1: no second detail call for them, nothing taken as deleted
    assert unlimited.app.request_counts().get(FEEDBACK_DETAIL, 0) == 0
    assert not has_table(warehouse, "usersloop", "deletions")  # the list moved while read: nothing concluded
    _load(unlimited, warehouse, as_of=workspace.now + timedelta(hours=2))  # the next run lists the 3 new items
    _assert_exact(unlimited, warehouse)


def test_check_credentials_is_one_request_and_errors_are_one_line(unlimited: Sandbox) -> None:
    helpers.check_credentials(KEY, unlimited.base_url, "default")
    assert unlimited.app.request_counts() == {"GET /api/v2/boards": 1}
    wrong = "ul_wrong_key_77c1"
    with pytest.raises(AuthenticationError) as info:
        helpers.check_credentials(wrong, unlimited.base_url, "acme")
    message = str(info.value)
    assert "Unauthenticated." in message and "SOURCES__USERSLOOP__ACCOUNTS__ACME__API_KEY" in message
    assert wrong not in message and "\n" not in message
    assert unlimited.app.request_counts()["GET /api/v2/boards"] == 2  # a 401 is never retried
    client = helpers.make_client(KEY, unlimited.base_url, "default", None, None)
    with pytest.raises(ApiError) as invalid:
        client.get(settings.FEEDBACK.path, {"per_page": 500}, endpoint=settings.FEEDBACK.endpoint)
    assert invalid.value.status == 422 and "per_page: The per page field must not be greater than 100." in str(
        invalid.value
    )
    assert unlimited.app.missing_accept_header_count() == 0


def test_the_limiter_counts_what_the_server_counted_and_we_did_not() -> None:
    """Remaining says 40 are spent after our first request: 39 are someone else's and hold their slots for one
    window; a later answer showing fewer frees them at once."""
    held = SlidingWindowLimiter(per_minute=60, window=0.5)
    held.acquire()
    held.observe(remaining=20, limit=60)
    assert all(held.acquire() == 0.0 for _ in range(20))
    started = time.monotonic()
    held.acquire()  # the 61st in the server's window waits for the window
    assert time.monotonic() - started >= 0.4

    freed = SlidingWindowLimiter(per_minute=60, window=60.0)
    freed.acquire()
    freed.observe(remaining=20, limit=60)
    assert all(freed.acquire() == 0.0 for _ in range(20))
    freed.observe(remaining=39, limit=60)  # the others' requests left the server's window early
    assert freed.acquire() == 0.0  # instead of a minute's wait


def test_the_relations_rule() -> None:
    """Details for new items always; for changed ones unless the per-board scans cost fewer; all on reconcile."""
    assert helpers.relations_plan(["1"], ["2", "3"], [], 5, False) == (["1", "2", "3"], False)
    assert helpers.relations_plan(["1"], [str(i) for i in range(2, 9)], [], 5, False) == (["1"], True)
    assert helpers.relations_plan([], ["2"], ["4"], 0, True) == (["2", "4"], False)
    assert helpers.reorder_boards(("3", "1"), {"5", "1"}) == ("5", "1")  # a move keeps the primary slot
    assert helpers.reorder_boards(("3",), {"3", "4", "2"}) == ("3", "2", "4")
    assert helpers.board_scan_cost(["1", "2", "9"], [("1",)] * 150 + [("1", "2")], 100) == 2 + 1 + 1


def test_page_totals_and_list_sizes_plan_the_next_run(unlimited: Sandbox, warehouse: Warehouse) -> None:
    """A second run's very first plan already counts every list page (from the first run's list sizes)."""
    _load(unlimited, warehouse)
    plans: list[dict[str, Any]] = []
    _load(unlimited, warehouse, progress=lambda label, phase, info: plans.append(info))
    first = next(info for info in plans if "planned" in info)
    assert first["planned"] == sum(DRIVER.no_change_requests(unlimited.workspace).values())
    assert {ROADMAP, UPDATES, ARTICLES} <= set(unlimited.app.request_counts())
