"""UsersLoop: boards, feedback (with its relations and observed votes), roadmap, product updates and the helpdesk."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import dlt
from dlt.sources import DltResource

from sources.common import scan, state
from sources.common.http import RequestStats
from sources.common.observations import VOTE_OBSERVATIONS_HINTS
from sources.common.quarantine import parse_timestamp
from sources.common.routing import good, route, side_table, to_side_table
from sources.usersloop import helpers, settings

_FEEDBACK_BOARDS_HINTS = side_table(
    "feedback_boards",
    ("source_account", "feedback_id"),
    {
        "source_account": "text",
        "feedback_id": "bigint",
        "boards": "json",
        "primary_board_id": "bigint",
        "boards_from": "text",
    },
)
_FEEDBACK_DETAILS_HINTS = side_table(
    "feedback_details",
    ("source_account", "feedback_id"),
    {
        "source_account": "text",
        "feedback_id": "bigint",
        "tags": "json",
        "account": "json",
        "account_user": "json",
        "feedback_updated_at": "timestamp",
    },
)
_JSON_DETAIL_FIELDS = {"tags", "feedback", "roadmap", "category"}


@dlt.source(name="usersloop", max_table_nesting=0)
def usersloop_source(
    api_key: str = dlt.secrets.value,
    base_url: str = settings.DEFAULT_BASE_URL,
    account: str = "default",
    page_size: int = settings.PAGE_SIZE,
    detail_concurrency: int = settings.DETAIL_CONCURRENCY,
    rate_limit_per_minute: int = settings.RATE_LIMIT_PER_MINUTE,
    rate_window_seconds: float = settings.RATE_WINDOW_SECONDS,
    reconcile: bool = False,
    as_of: str | None = None,
    request_stats: Any = None,
) -> Sequence[DltResource]:
    """One UsersLoop product (one API key = one `account`), within its 60 requests a minute.

    At that rate the request count is the run time, so every list is read whole (`per_page=100`; the lists are
    ordered by id, not by change, so there is no early stop, and votes never move `updated_at`), and detail calls
    are made only for records that are new or whose `updated_at` moved. The run's request plan is published as
    it becomes known (requests done / planned and the time left, in the CLI and the Prefect logs).

    Args:
        api_key: the product's API key (secret; never logged or stored).
        base_url: API root, `https://usersloop.com/api/v2` by default (the sandbox in tests and the demo).
        account: the configured account name, written to every row as `source_account` and part of every key.
        page_size: `per_page` of the paginated lists (1-100).
        detail_concurrency: parallel detail calls (1: sequential is never the bottleneck at 60 a minute).
        rate_limit_per_minute: the client-side ceiling, the vendor's documented 60 (0 = none).
        rate_window_seconds: the length of the vendor's rate window, 60; tests and the demo scale it down along
            with their stand-in's (e.g. 60 per 2 s).
        reconcile: the nightly run; every list is read whole on every run anyway (deletions are always noticed),
            so a reconcile only re-reads the details a cheaper run skipped (see `helpers.relations_plan`).
        as_of: the run's logical time (ISO 8601), stamped on vote observations and deletions; default now.
        request_stats: a `RequestStats` to count requests into (the run summary and progress read it).

    Nested objects and arrays (boards, tags, account, linked feedback) land as JSON columns, unnested in dbt.
    """
    stats = request_stats if isinstance(request_stats, RequestStats) else RequestStats()
    client = helpers.make_client(api_key, base_url, account, stats, rate_limit_per_minute, rate_window_seconds)
    observed_at = parse_timestamp(as_of) if as_of else datetime.now(UTC)
    per_minute = rate_limit_per_minute * 60.0 / rate_window_seconds if rate_limit_per_minute else None
    plan = helpers.RequestPlan(stats, per_minute, page_size)
    lists: dict[str, list[Any]] = {}  # unpaginated lists, read once per run (boards serve two resources)

    def begin() -> None:
        plan.start(dlt.current.source_state().get(helpers.LIST_TOTALS_STATE_KEY, {}))

    def unpaged(listing: settings.Listing) -> list[Any]:
        if listing.resource not in lists:
            lists[listing.resource] = helpers.unpaged(client, listing)
        return lists[listing.resource]

    def list_scan(listing: settings.Listing, params: dict[str, Any] | None = None) -> helpers.ListScan:
        part = listing.resource + "".join(f"?{name}={value}" for name, value in (params or {}).items())

        def on_total(total: int) -> None:
            plan.set(part, plan.pages(total))
            if not params:  # the next run's first estimate
                dlt.current.source_state().setdefault(helpers.LIST_TOTALS_STATE_KEY, {})[listing.resource] = total

        return helpers.ListScan(client, listing, page_size, dict(params or {}), on_total)

    def unpaged_resource(listing: settings.Listing) -> DltResource:
        def read() -> Iterator[Any]:
            begin()
            yield from scan.scan(
                [unpaged(listing)],
                lambda record: helpers.check(record, account, listing, cursor=None),
                kind=listing.resource,
                entity=listing.entity,
                account=account,
                as_of=observed_at,
                complete=True,  # one request reads the whole list
                whole_list=True,
                rewrite=reconcile,
            )

        return dlt.resource(
            read, name=listing.resource, primary_key=("source_account", "id"), write_disposition="merge"
        )

    def paged_resources(listing: settings.Listing) -> tuple[DltResource, DltResource]:
        def read() -> Iterator[Any]:
            begin()
            listed = list_scan(listing)
            yield from scan.scan(
                listed.pages(),
                lambda record: helpers.check(record, account, listing),
                kind=listing.resource,
                entity=listing.entity,
                account=account,
                as_of=observed_at,
                complete=False,  # decided below: only a list that stood still while read says what is gone
                whole_list=True,
                rewrite=reconcile,
            )
            if listed.stable:
                yield from scan.deletions_of_unlisted(
                    listing.resource, listing.entity, listed.listed, account, observed_at
                )

        def details(page: Any) -> Iterator[Any]:
            seen = state.seen(listing.resource)
            pending = [r for r in good(page) if seen.get(str(r["id"])) != helpers.stamp(r["updated_at"])]
            plan.add(f"{listing.resource} details", len(pending))
            changed = scan.changed_details(
                client,
                page,
                kind=listing.resource,
                signature=lambda record: helpers.stamp(record["updated_at"]),
                fetch=lambda record: helpers.detail(client, listing, record["id"]),
                concurrency=detail_concurrency,
            )
            rows = [helpers.detail_row(record, found, account, listing.resource) for record, found in changed.found]
            if rows:
                yield rows
            yield from scan.deletions_of(
                listing.resource, listing.entity, [r["id"] for r in changed.gone], account, observed_at
            )

        resource = dlt.resource(
            read, name=listing.resource, primary_key=("source_account", "id"), write_disposition="merge"
        )
        json_columns = {
            name: {"data_type": "json"}
            for name in settings.DETAIL_FIELDS[listing.resource]
            if name in _JSON_DETAIL_FIELDS
        }
        transformer = dlt.transformer(
            details,
            data_from=resource,
            name=settings.DETAIL_TABLES[listing.resource],
            primary_key=("source_account", "id"),
            write_disposition="merge",
            columns=json_columns,
        )
        return resource, transformer

    @dlt.resource(name="feedback", primary_key=("source_account", "id"), write_disposition="merge")
    def feedback() -> Iterator[Any]:
        """One row per feedback item, the whole list every run (`id` desc); then, in side tables, its boards
        (`feedback_boards`) and tags / account / account user (`feedback_details`) for the items whose relations
        were read this run (see `helpers.relations_plan`), a vote observation per new item or changed vote count
        or status, and deletions of items the list no longer has. Merged on (source_account, id)."""
        begin()
        listing = settings.FEEDBACK
        listed = list_scan(listing)
        items: list[dict[str, Any]] = []
        for page in listed.pages():
            rows = [helpers.check(record, account, listing) for record in page]
            items.extend(good(rows))
            yield from route(scan.changed_rows(listing.resource, rows, rewrite=reconcile))
        if listed.stable:
            yield from scan.deletions_of_unlisted(listing.resource, listing.entity, listed.listed, account, observed_at)
        yield from feedback_relations(items)

    def feedback_relations(items: list[dict[str, Any]]) -> Iterator[Any]:
        listing = settings.FEEDBACK
        memos = state.seen(listing.resource)
        by_id = {str(item["id"]): item for item in items}
        previous = {item_id: helpers.FeedbackMemo.parse(memos.get(item_id)) for item_id in by_id}
        known = {item_id: memo for item_id, memo in previous.items() if memo is not None}
        new = [item_id for item_id, memo in previous.items() if memo is None]
        changed = [i for i, memo in known.items() if memo.updated_at != helpers.stamp(by_id[i]["updated_at"])]
        stale = [i for i, memo in known.items() if memo.detail_at != memo.updated_at]
        observations = [
            helpers.observation(item, account, observed_at)
            for item_id, item in by_id.items()
            if (memo := previous[item_id]) is None
            or (memo.votes, memo.status) != (str(item.get("votes_count")), str(item.get("status")))
        ]
        names = {}
        board_requests = 0
        if changed:
            names = {str(b["id"]): b.get("name") for b in unpaged(settings.BOARDS) if isinstance(b, dict)}
            board_requests = helpers.board_scan_cost(names, [memo.boards for memo in known.values()], page_size)
        to_detail, scan_boards = helpers.relations_plan(new, changed, stale, board_requests, reconcile)
        plan.set("feedback details", len(to_detail))
        members: dict[str, set[str]] = {}
        if scan_boards:
            memberships = [memo.boards for memo in known.values()]
            for board_id in names:  # corrected by each board's first page
                plan.set(f"feedback?board_id={board_id}", helpers.board_scan_cost([board_id], memberships, page_size))
            scans = []
            for board_id in names:
                board_scan = list_scan(listing, {"board_id": board_id})
                for page in board_scan.pages():
                    for item in page:
                        if isinstance(item, dict) and item.get("id") is not None:
                            members.setdefault(str(item["id"]), set()).add(board_id)
                scans.append(board_scan)
            if not all(board_scan.stable for board_scan in scans):  # the lists moved: read the changed ones
                to_detail, scan_boards = to_detail + changed, False
                plan.add("feedback details", len(changed))
        fetched = client.map_concurrent(
            lambda item_id: helpers.detail(client, listing, item_id), to_detail, detail_concurrency
        )
        details = dict(zip(to_detail, fetched, strict=True))
        gone = [item_id for item_id, found in details.items() if found is None]
        board_rows: list[dict[str, Any]] = []
        detail_rows: list[dict[str, Any]] = []
        for item_id, item in by_id.items():
            if item_id in gone:
                continue
            memo, found = previous[item_id], details.get(item_id)
            updated_at = helpers.stamp(item["updated_at"])
            if found is not None:
                boards = tuple(str(b["id"]) for b in found.get("boards") or [] if isinstance(b, dict))
                detail_at = updated_at
                board_rows.append(_boards_row(item, found.get("boards") or [], "detail"))
                detail_rows.append(_details_row(item, found))
            else:
                assert memo is not None  # every new item was detailed
                boards, detail_at = memo.boards, memo.detail_at
                if scan_boards:
                    boards = helpers.reorder_boards(memo.boards, members.get(item_id, set()))
                    if boards != memo.boards:
                        board_rows.append(_boards_row(item, helpers.boards_json(boards, names), "board_scan"))
            memos[item_id] = helpers.FeedbackMemo(
                updated_at, detail_at, str(item.get("votes_count")), str(item.get("status")), boards
            ).dump()
        # one batch per table: dlt recomputes a table's hints for every item it is given with hints
        if board_rows:
            yield to_side_table(board_rows, _FEEDBACK_BOARDS_HINTS)
        if detail_rows:
            yield to_side_table(detail_rows, _FEEDBACK_DETAILS_HINTS)
        live = [o for o in observations if o["feedback_id"] not in gone]
        if live:
            yield to_side_table(live, VOTE_OBSERVATIONS_HINTS)
        yield from scan.deletions_of(listing.resource, listing.entity, gone, account, observed_at)

    def _boards_row(item: dict[str, Any], boards: list[Any], origin: str) -> dict[str, Any]:
        """The item's boards in the vendor's order; the first is its primary board (what fct_feedback shows)."""
        primary = boards[0].get("id") if boards and isinstance(boards[0], dict) else None
        return {
            "source_account": account,
            "feedback_id": item["id"],
            "boards": boards,
            "primary_board_id": primary,
            "boards_from": origin,
        }

    def _details_row(item: dict[str, Any], found: dict[str, Any]) -> dict[str, Any]:
        return {
            "source_account": account,
            "feedback_id": item["id"],
            "tags": found.get("tags") or [],
            "account": found.get("account"),
            "account_user": found.get("account_user"),
            "feedback_updated_at": item["updated_at"],
        }

    roadmap, roadmap_details = paged_resources(settings.ROADMAP)
    updates, update_details = paged_resources(settings.UPDATES)
    articles, article_details = paged_resources(settings.ARTICLES)
    return (
        unpaged_resource(settings.BOARDS),
        feedback,
        roadmap,
        roadmap_details,
        updates,
        update_details,
        unpaged_resource(settings.CATEGORIES),
        articles,
        article_details,
    )
