"""Product7 specifics beyond the contract suite (tests/contract, which also proves on both engines that the marts,
first response and resolution minutes of every ticket included, equal figures computed independently from the
stand-in's timelines): exact requests per route for backfill, no-change and incremental runs with page-number
early stop and cursor ties; the page-shift fault; deletions only on a detail's 404, also in reconcile scans
that pages shifted under; a 404 mid-run and a rejected key next to another vendor; workspace configuration."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest

from pipelines.accounts import configured_accounts
from pipelines.jobs import refresh
from pipelines.runner import LoadResult, load_account
from pipelines.warehouse import Warehouse
from sandbox.product7 import Product7Workspace, delete_ticket_recipe, generate_workspace, touch_ticket_recipe
from sources.common.errors import SourceError
from sources.product7 import helpers
from tests.conftest import query
from tests.support.sandboxes import Sandbox, serve
from tests.vendors.base import driver

KEY = "p7_test_key_a"
ME = "GET /api/v1/me"
MEMBERS = "GET /api/v1/workspace/members"
STATUSES = "GET /api/v1/ticket-statuses"
TICKETS = "GET /api/v1/tickets"
TICKET = "GET /api/v1/tickets/{uuid}"
FEEDBACK = "GET /api/v1/feedback"
LOOKUPS = {ME: 1, MEMBERS: 1, STATUSES: 1}
PAGE = 20  # small pages, so a small workspace spans several


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """The source's `page_size` set the dlt way (config), as a user would."""
    monkeypatch.setenv("SOURCES__PRODUCT7__PAGE_SIZE", str(PAGE))


@contextmanager
def product7(tickets: int = 120, feedback: int = 30) -> Iterator[Sandbox]:
    with serve("product7", {KEY: generate_workspace(seed=7, tickets=tickets, feedback=feedback)}) as sandbox:
        yield sandbox


def _load(sandbox: Sandbox, warehouse: Warehouse, **kwargs: Any) -> LoadResult:
    result = load_account(sandbox.account(), warehouse, as_of=sandbox.workspace.now, **kwargs)
    assert result.ok, result.error
    return result


def _fresh_counts(sandbox: Sandbox, run: Callable[[], Any]) -> dict[str, int]:
    sandbox.app.reset_request_counts()
    run()
    return sandbox.app.request_counts()


def _assert_raw_equals_truth(warehouse: Warehouse, workspace: Product7Workspace) -> None:
    p7 = driver("product7")
    assert p7.raw_loaded(warehouse, "default") == p7.raw_truth(workspace)


def _assert_no_duplicates(warehouse: Warehouse) -> None:
    [(rows, tickets)] = query(warehouse, "select count(*), count(distinct uuid) from product7.tickets")
    assert rows == tickets
    [(rows, activities)] = query(
        warehouse, "select count(*), count(distinct ticket_uuid || '|' || id) from product7.ticket_activities"
    )
    assert rows == activities


@pytest.fixture
def detail_spy(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The uuids whose detail the source requests, in order (the stand-in counts routes, not ids)."""
    requested: list[str] = []
    real = helpers.ticket_detail

    def spy(client: Any, uuid: str) -> Any:
        requested.append(uuid)
        return real(client, uuid)

    monkeypatch.setattr(helpers, "ticket_detail", spy)
    return requested


@pytest.mark.usefixtures("small_pages")
def test_request_counts_backfill_no_change_and_incremental_are_exact(
    warehouse: Warehouse, detail_spy: list[str]
) -> None:
    with product7(tickets=120) as sandbox:
        ws = sandbox.workspace

        backfill = _fresh_counts(sandbox, lambda: _load(sandbox, warehouse))
        assert backfill == {**LOOKUPS, TICKETS: 120 // PAGE, TICKET: 120, FEEDBACK: 1}
        assert sorted(detail_spy) == sorted(ws.truth()["tickets"])

        no_change = _fresh_counts(sandbox, lambda: _load(sandbox, warehouse))
        assert no_change == {**LOOKUPS, TICKETS: 1, FEEDBACK: 1}

        # 3 new tickets, then new activity on 25 tickets at one instant: the new cursor is a tie of 25 tickets
        # spread over pages 1 and 2; the 28 changed tickets fill page 1 and part of page 2, whose first older
        # ticket ends the scan
        earlier = sorted(ws.truth()["tickets"])
        ws.advance(3_600)
        created = ws.add_tickets(3)
        ws.advance(60)
        touched = ws.add_activity(uuids=random.Random(1).sample(earlier, 25))
        changed = set(created) | set(touched)
        detail_spy.clear()
        incremental = _fresh_counts(sandbox, lambda: _load(sandbox, warehouse))
        assert incremental == {**LOOKUPS, TICKETS: 2, TICKET: 28, FEEDBACK: 1}
        assert sorted(detail_spy) == sorted(changed)
        _assert_raw_equals_truth(warehouse, ws)

        # the tie at the cursor spans two pages: dlt's boundary dedup still stops on page 1
        assert _fresh_counts(sandbox, lambda: _load(sandbox, warehouse)) == {**LOOKUPS, TICKETS: 1, FEEDBACK: 1}
        _assert_raw_equals_truth(warehouse, ws)
        _assert_no_duplicates(warehouse)


@pytest.mark.usefixtures("small_pages")
def test_a_ticket_moved_to_page_one_mid_scan_is_loaded_by_the_next_run_without_duplicates(
    warehouse: Warehouse, detail_spy: list[str]
) -> None:
    with product7(tickets=120) as sandbox:
        ws = sandbox.workspace
        moved = ws.ticket_on_page(3, page_size=PAGE)
        sandbox.app.faults.inject(**touch_ticket_recipe(moved))  # new activity just before page 2 is read

        first = _fresh_counts(sandbox, lambda: _load(sandbox, warehouse))

        # pages 2 and 3 repeated the last ticket of the page before (merged once); the moved one was never listed
        assert first == {**LOOKUPS, TICKETS: 120 // PAGE, TICKET: 119, FEEDBACK: 1}
        assert moved not in detail_spy and len(set(detail_spy)) == 119
        assert query(warehouse, "select count(*) from product7.tickets where uuid = ?", [moved]) == [(0,)]
        _assert_no_duplicates(warehouse)

        detail_spy.clear()
        second = _fresh_counts(sandbox, lambda: _load(sandbox, warehouse))

        # the cursor is the largest last_activity_at seen, so the moved ticket is newer: one page, one detail
        assert second == {**LOOKUPS, TICKETS: 1, TICKET: 1, FEEDBACK: 1}
        assert detail_spy == [moved]
        _assert_raw_equals_truth(warehouse, ws)
        _assert_no_duplicates(warehouse)


@pytest.mark.usefixtures("small_pages")
def test_reconcile_records_a_deletion_only_when_the_detail_is_gone(warehouse: Warehouse, detail_spy: list[str]) -> None:
    with product7(tickets=120) as sandbox:
        ws = sandbox.workspace
        _load(sandbox, warehouse)
        gone = ws.ticket_on_page(4, page_size=PAGE)
        ws.delete_ticket(gone)
        # a ticket on page 1 is deleted after page 1 was read: page 2's first ticket moves up to page 1 unseen
        deleted_mid_scan = ws.ticket_on_page(1, page_size=PAGE, index=5)
        shifted = ws.ticket_on_page(2, page_size=PAGE)
        sandbox.app.faults.inject(
            "mutate", endpoint=TICKETS, after=1, mutation={"action": "delete_ticket", "uuid": deleted_mid_scan}
        )
        detail_spy.clear()

        counts = _fresh_counts(sandbox, lambda: _load(sandbox, warehouse, reconcile=True))

        # both unlisted tickets are checked; only the one whose detail answers 404 is a deletion
        assert sorted(detail_spy) == sorted([gone, shifted])
        assert counts[TICKET] == 2 and counts[TICKETS] == 6
        assert query(warehouse, "select entity, id from product7.deletions") == [("ticket", gone)]

        # the ticket deleted after it was listed is noticed by the next complete scan
        ws.advance(3_600)
        _load(sandbox, warehouse, reconcile=True)
        deletions = set(query(warehouse, "select id from product7.deletions where entity = 'ticket'"))
        assert deletions == {(gone,), (deleted_mid_scan,)}
        _assert_raw_equals_truth(warehouse, ws)


def test_a_403_fails_the_account_in_one_line_and_keeps_its_data(warehouse: Warehouse) -> None:
    with product7(tickets=30, feedback=10) as sandbox:
        _load(sandbox, warehouse)
        before = driver("product7").raw_loaded(warehouse, "default")
        sandbox.app.faults.inject("status", endpoint=TICKETS, status=403)

        result = load_account(sandbox.account(), warehouse, as_of=sandbox.workspace.now)

        assert not result.ok and not result.retryable
        assert result.error is not None and "\n" not in result.error
        assert result.error.startswith("product7 (account default): the API refused access with this API key (403")
        assert "Fix: set SOURCES__PRODUCT7__API_KEY" in result.error
        assert sandbox.app.status_counts()[403] == 1  # never retried
        assert driver("product7").raw_loaded(warehouse, "default") == before

        sandbox.app.faults.inject("status", endpoint=ME, status=403)
        with pytest.raises(SourceError, match=r"^product7 \(account default\): the API refused access .*403"):
            helpers.check_credentials(KEY, sandbox.base_url, "default")
        helpers.check_credentials(KEY, sandbox.base_url, "default")


@pytest.mark.slow
def test_a_404_mid_run_and_a_rejected_key_beside_another_vendor(warehouse: Warehouse) -> None:
    """A ticket deleted between its list and detail requests: the run succeeds (exit 0) and the ticket is flagged
    deleted in the marts, every other ticket loaded. Then a rejected Product7 key fails only Product7, in one
    line naming the fix, while Featurebase still loads and the marts are built and published with the Product7
    rows loaded before (nothing lost). One dbt build proves both."""
    featurebase = driver("featurebase")
    with (
        serve("featurebase", {featurebase.keys[0]: featurebase.generate(3, "org_a")}) as fb,
        product7(tickets=60, feedback=20) as p7,
    ):
        ws = p7.workspace
        _load(p7, warehouse)
        ws.advance(3_600)
        changed = ws.add_activity(n=6, seed=2)
        gone = changed[0]
        p7.app.faults.inject(**delete_ticket_recipe(gone))
        ws.add_votes(12, seed=3)
        ws.remove_votes(4, seed=4)
        p7.app.reset_request_counts()

        deleted_mid_run = _load(p7, warehouse)

        assert p7.app.request_counts()[TICKET] == len(changed) and p7.app.status_counts()[404] == 1
        assert deleted_mid_run.rows["deletions"] == 1
        _assert_raw_equals_truth(warehouse, ws)  # the other five changed tickets loaded

        revoked = "p7_revoked_key_0c1f"
        p7.app.reset_request_counts()
        summary = refresh([fb.account(), p7.account(key=revoked)], warehouse, as_of=ws.now + timedelta(hours=1))

        fb_load, p7_load = summary.loads
        assert fb_load.ok and fb_load.rows["tickets"] > 0
        assert not p7_load.ok and not p7_load.retryable and not summary.ok
        assert p7_load.error is not None and "\n" not in p7_load.error and revoked not in p7_load.error
        assert p7_load.error.startswith("product7 (account default): the API rejected the API key (401")
        assert "Fix: set SOURCES__PRODUCT7__API_KEY" in p7_load.error
        assert p7.app.request_counts() == {ME: 1}  # the auth check comes first, and nothing follows a 401
        assert summary.transform_error is None and summary.published is not None
        published = summary.published
        tickets = query(published, "select source_system, ticket_id, is_deleted from fct_tickets")
        assert {system for system, _, _ in tickets} == {"featurebase", "product7"}
        flags = {ticket: deleted for system, ticket, deleted in tickets if system == "product7"}
        live = set(ws.truth()["tickets"])
        assert flags[gone] is True and gone not in live
        assert {ticket for ticket, deleted in flags.items() if not deleted} == live
        events = query(published, "select distinct is_deleted from fct_ticket_events where ticket_id = ?", [gone])
        assert events == [(True,)]
        # votes observed as count changes: the baseline plus the changes is every item's current count
        votes = dict(
            query(
                published,
                "select feedback_id, sum(delta) from fct_votes where source_system = 'product7' group by feedback_id",
            )
        )
        current = {item_id: f["vote_count"] for item_id, f in ws.truth()["feedback"].items()}
        assert {item_id: votes.get(item_id, 0) for item_id in current} == current


def test_the_workspace_setting_gives_the_base_url_and_its_absence_one_line(
    monkeypatch: pytest.MonkeyPatch, warehouse: Warehouse
) -> None:
    monkeypatch.setenv("SOURCES__PRODUCT7__API_KEY", "p7_default_key")
    monkeypatch.setenv("SOURCES__PRODUCT7__ACCOUNTS__GLOBEX__API_KEY", "p7_globex_key")
    monkeypatch.setenv("SOURCES__PRODUCT7__ACCOUNTS__GLOBEX__WORKSPACE", "globex")
    default, globex = configured_accounts(["product7"])
    assert globex.base_url == "https://globex.api.product7.io"

    result = load_account(default, warehouse)

    assert result.error == (
        "product7 (account default): no workspace configured. Fix: set SOURCES__PRODUCT7__WORKSPACE "
        "(acme for https://acme.api.product7.io) or SOURCES__PRODUCT7__BASE_URL"
    )
    with pytest.raises(SourceError, match="SOURCES__PRODUCT7__ACCOUNTS__GLOBEX__WORKSPACE"):
        helpers.check_credentials("p7_globex_key", "https://{workspace}.api.product7.io", "globex")
    monkeypatch.setenv("SOURCES__PRODUCT7__WORKSPACE", "acme")
    assert configured_accounts(["product7"])[0].base_url == "https://acme.api.product7.io"
