"""Featurebase: support tickets with their conversation parts, and feedback posts with voters and comments."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import dlt
import pyarrow as pa
from dlt.sources import DltResource

from sources.common.arrow import rows_to_table
from sources.common.http import RequestStats
from sources.common.quarantine import QUARANTINE_TABLE, QuarantineRecord, SideRecord, parse_timestamp
from sources.featurebase import helpers, settings

_QUARANTINE_HINTS = dlt.mark.make_hints(
    table_name=QUARANTINE_TABLE, write_disposition="append", primary_key=[], merge_key=[]
)
_DELETIONS_HINTS = dlt.mark.make_hints(
    table_name="deletions", write_disposition="merge", primary_key=["source_account", "entity", "id"]
)
_VOTERS_HINTS = dlt.mark.make_hints(
    table_name="voters", write_disposition="merge", primary_key=["source_account", "id"]
)
_FULL_SCAN_FROM = datetime(1970, 1, 1, tzinfo=UTC)
_FULL_SCAN_TO = datetime(2999, 1, 1, tzinfo=UTC)


def _route(rows: Sequence[dict[str, Any]], as_arrow: bool = False) -> Iterator[Any]:
    """Good rows go out as a page (one Arrow table when `as_arrow`); each quarantine row goes to the quarantine
    table with its own hints."""
    good = [row for row in rows if not isinstance(row, QuarantineRecord)]
    for row in rows:
        if isinstance(row, QuarantineRecord):
            yield dlt.mark.with_hints(row, _QUARANTINE_HINTS, create_table_variant=True)
    if good:
        yield _arrow_page(good) if as_arrow else good


def _arrow_page(rows: Sequence[dict[str, Any]]) -> Any:
    """The page as an Arrow table (see `sources.common.arrow`), its JSON-text columns declared `json`."""
    table, json_columns = rows_to_table(rows)
    if not json_columns:
        return table
    columns = {name: {"data_type": "json"} for name in json_columns}
    return dlt.mark.with_hints(table, dlt.mark.make_hints(columns=columns))


def _good(page: Any) -> list[dict[str, Any]]:
    """The parent's real records: transformers also receive its side rows (quarantine, deletions).

    A page that went out as an Arrow table comes back as dicts with JSON columns as text; the detail
    transformers only read ids, numbers, counts and timestamps from them.
    """
    if isinstance(page, pa.Table):
        return page.to_pylist()
    page = page if isinstance(page, list) else [page]
    return [row for row in page if isinstance(row, dict) and not isinstance(row, SideRecord)]


def _cursor(field: str, reconcile: bool) -> dlt.sources.incremental[Any]:
    """Newest-first cursor with early stop; in a reconcile run a bounded range, which makes dlt read everything
    and leave the stored cursor untouched (dlt discards state for ranges with an end_value)."""
    if reconcile:
        return dlt.sources.incremental(
            field,
            initial_value=_FULL_SCAN_FROM,
            end_value=_FULL_SCAN_TO,
            row_order="desc",
            on_cursor_value_missing="include",
        )
    return dlt.sources.incremental(field, row_order="desc", on_cursor_value_missing="include")


def _seen(kind: str) -> dict[str, str]:
    """Signatures of the records loaded so far (id -> what changes when the record changes), in dlt source state.

    They decide which detail calls a run needs (only changed parents) and, in a reconcile, which records are
    gone: anything remembered that a full scan no longer lists.
    """
    return dlt.current.source_state().setdefault("seen", {}).setdefault(kind, {})


def _deletions(kind: str, entity: str, listed: set[str], account: str, as_of: datetime) -> Iterator[Any]:
    seen = _seen(kind)
    for record_id in sorted(set(seen) - listed):
        seen.pop(record_id)
        yield dlt.mark.with_hints(
            helpers.deletion(account, entity, record_id, as_of), _DELETIONS_HINTS, create_table_variant=True
        )


@dlt.source(name="featurebase", max_table_nesting=0)
def featurebase_source(
    api_key: str = dlt.secrets.value,
    base_url: str = settings.DEFAULT_BASE_URL,
    account: str = "default",
    page_size: int = settings.PAGE_SIZE,
    detail_concurrency: int = settings.DETAIL_CONCURRENCY,
    rate_limit_per_minute: int = settings.RATE_LIMIT_PER_MINUTE,
    reconcile: bool = False,
    as_of: str | None = None,
    request_stats: Any = None,
) -> Sequence[DltResource]:
    """Featurebase support and feedback data for one organisation (one API key = one `account`).

    Args:
        api_key: the organisation's API key (secret; never logged or stored).
        base_url: API root; the production URL by default, the sandbox in tests and the demo.
        account: the configured account name, written to every row as `source_account` and part of every key.
        page_size: list page size (`limit`, 1-100).
        detail_concurrency: parallel detail calls (ticket conversation parts, post voters).
        rate_limit_per_minute: client-side ceiling matching the vendor's documented limit.
        reconcile: full scans instead of incremental reads; records no longer listed become `deletions` rows.
        as_of: the run's logical time (ISO 8601), stamped on vote observations and deletions; default now.
        request_stats: a `RequestStats` to count requests into (the run summary reads it).

    Nested objects and arrays (author, status, customFields, csat payloads, voter companies) land as JSON
    columns and are unnested in dbt staging, so every record type keeps its payload and new fields never
    explode the schema.
    """
    stats = request_stats if isinstance(request_stats, RequestStats) else RequestStats()
    client = helpers.make_client(api_key, base_url, account, stats, rate_limit_per_minute)
    observed_at = parse_timestamp(as_of) if as_of else datetime.now(UTC)

    recently_updated = {"sortBy": "recent", "sortOrder": "desc", "limit": page_size}

    def _scan(
        path: str, endpoint: str, params: dict[str, Any], check: Any, kind: str, entity: str, as_arrow: bool = False
    ) -> Iterator[Any]:
        """Pages of checked records, newest first; every id listed is remembered (a detail transformer may
        refine its signature), and a reconcile run ends with deletions for what was remembered but not listed."""
        seen = _seen(kind)
        listed: set[str] = set()
        for page in helpers.iter_pages(client, path, params, endpoint):
            rows = [check(record) for record in page]
            for row in _good(rows):
                listed.add(row["id"])
                seen.setdefault(row["id"], "")
            yield from _route(rows, as_arrow)
        if reconcile:
            yield from _deletions(kind, entity, listed, account, observed_at)

    def _details_of_changed(
        page: Any, kind: str, sig: Callable[[dict[str, Any]], str], fetch: Callable[[dict[str, Any]], Any]
    ) -> Iterator[tuple[dict[str, Any], Any]]:
        """(record, detail) for the page's records whose signature changed, details fetched concurrently.

        A record's new signature is remembered only after the caller has taken its detail, and not at all when
        the detail is None (the record vanished in between: the next reconcile records the deletion).
        """
        seen = _seen(kind)
        changed = [record for record in _good(page) if seen.get(record["id"]) != sig(record)]
        for record, detail in zip(changed, client.map_concurrent(fetch, changed, detail_concurrency), strict=True):
            if detail is None:
                continue
            yield record, detail
            seen[record["id"]] = sig(record)

    @dlt.resource(name="tickets", primary_key=("source_account", "id"), write_disposition="merge")
    def tickets(updated_at: dlt.sources.incremental[Any] = _cursor("updatedAt", reconcile)) -> Iterator[Any]:
        """One row per ticket, newest change first (`sortBy=recent&sortOrder=desc`).

        Incremental on `updatedAt`: dlt stops paging at the first ticket older than the last run's maximum, so
        an hourly run reads one page when little changed. Merged on (source_account, id).
        """
        check = lambda record: helpers.check_ticket(record, account, settings.TICKETS_ENDPOINT)  # noqa: E731
        path, endpoint = settings.TICKETS_PATH, settings.TICKETS_ENDPOINT
        yield from _scan(path, endpoint, recently_updated, check, "tickets", "ticket", as_arrow=True)

    @dlt.transformer(
        name="ticket_conversation_parts",
        data_from=tickets,
        primary_key=("source_account", "ticket_id", "id"),
        write_disposition="merge",
    )
    def ticket_conversation_parts(page: Any) -> Iterator[Any]:
        """One row per conversation part, all 17 part types, fetched only for new or changed tickets.

        The detail endpoint is the only place parts exist; calls run concurrently within the rate limit.
        Merged on (source_account, ticket_id, id).
        """
        sig = lambda ticket: helpers.signature(ticket["updatedAt"])  # noqa: E731
        fetch = lambda ticket: helpers.ticket_parts(client, ticket, account)  # noqa: E731
        rows: list[Any] = []
        for _ticket, parts in _details_of_changed(page, "tickets", sig, fetch):
            rows.extend(parts)
        yield from _route(rows, as_arrow=True)

    @dlt.resource(name="posts", primary_key=("source_account", "id"), write_disposition="merge")
    def posts(updated_at: dlt.sources.incremental[Any] = _cursor("updatedAt", reconcile)) -> Iterator[Any]:
        """One row per feedback post, most recently updated first (`sortBy=recent`), early stop like tickets.

        Merged on (source_account, id); a reconcile run lists every post and records the missing as deleted.
        """
        check = lambda record: helpers.check_post(record, account)  # noqa: E731
        yield from _scan(settings.POSTS_PATH, settings.POSTS_ENDPOINT, recently_updated, check, "posts", "post")

    @dlt.transformer(
        name="post_observations",
        data_from=posts,
        primary_key=("source_account", "post_id", "observed_at"),
        write_disposition="merge",
    )
    def post_observations(page: Any) -> Iterator[Any]:
        """One row per post whose upvotes or updatedAt changed since the last run, with its full voter set.

        No vendor API gives vote timestamps, so vote history is observed: dbt turns the difference between a
        post's consecutive observations into vote events. Voters (with their companies' monthly spend) are
        merged into `voters` on (source_account, id). Re-running at the same `as_of` overwrites, never adds.
        """
        sig = lambda post: helpers.signature(post.get("upvotes"), post["updatedAt"])  # noqa: E731
        fetch = lambda post: helpers.post_voters(client, post, account, page_size)  # noqa: E731
        all_voters: list[dict[str, Any]] = []
        observations: list[dict[str, Any]] = []
        for post, voters in _details_of_changed(page, "posts", sig, fetch):
            all_voters.extend(voters)
            observations.append(helpers.observation(post, voters, account, observed_at))
        # one batch per page: dlt recomputes a table's hints for every item it is given with hints
        if all_voters:
            yield dlt.mark.with_hints(all_voters, _VOTERS_HINTS, create_table_variant=True)
        if observations:
            yield observations

    @dlt.resource(name="comments", primary_key=("source_account", "id"), write_disposition="merge")
    def comments(created_at: dlt.sources.incremental[Any] = _cursor("createdAt", reconcile)) -> Iterator[Any]:
        """One row per comment in the organisation, newest first (`sortBy=new`), early stop on createdAt.

        Edits to old comments are caught by the reconcile run, which re-reads all and records deletions.
        """
        check = lambda record: helpers.check_comment(record, account)  # noqa: E731
        newest = {"sortBy": "new", "limit": page_size}
        yield from _scan(settings.COMMENTS_PATH, settings.COMMENTS_ENDPOINT, newest, check, "comments", "comment")

    def _lookup(name: str, path: str) -> DltResource:
        def fetch() -> Iterator[list[dict[str, Any]]]:
            for page in helpers.iter_pages(client, path, {}):
                yield helpers.shape_simple(page, account)

        return dlt.resource(fetch, name=name, primary_key=("source_account", "id"), write_disposition="merge")

    return (
        tickets,
        ticket_conversation_parts,
        _lookup("ticket_statuses", settings.TICKET_STATUSES_PATH),
        _lookup("ticket_categories", settings.TICKET_CATEGORIES_PATH),
        _lookup("ticket_custom_fields", settings.TICKET_CUSTOM_FIELDS_PATH),
        posts,
        post_observations,
        comments,
        _lookup("boards", settings.BOARDS_PATH),
    )
