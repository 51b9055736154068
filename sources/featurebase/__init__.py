"""Featurebase support tickets: tickets, their conversation parts (messages, notes, CSAT), statuses, categories."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import dlt
from dlt.sources import DltResource

from sources.common.http import RequestStats
from sources.common.quarantine import QUARANTINE_TABLE, QuarantineRecord
from sources.featurebase import helpers, settings

_QUARANTINE_HINTS = dlt.mark.make_hints(
    table_name=QUARANTINE_TABLE, write_disposition="append", primary_key=[], merge_key=[]
)


def _route(rows: Sequence[dict[str, Any]]) -> Iterator[Any]:
    """Good rows go out as a page; each quarantine row goes to the quarantine table with its own hints."""
    good = [row for row in rows if not isinstance(row, QuarantineRecord)]
    for row in rows:
        if isinstance(row, QuarantineRecord):
            yield dlt.mark.with_hints(row, _QUARANTINE_HINTS, create_table_variant=True)
    if good:
        yield good


@dlt.source(name="featurebase", max_table_nesting=0)
def featurebase_source(
    api_key: str = dlt.secrets.value,
    base_url: str = settings.DEFAULT_BASE_URL,
    account: str = "default",
    page_size: int = settings.PAGE_SIZE,
    detail_concurrency: int = settings.DETAIL_CONCURRENCY,
    rate_limit_per_minute: int = settings.RATE_LIMIT_PER_MINUTE,
    request_stats: Any = None,
) -> Sequence[DltResource]:
    """Featurebase support data for one organisation (one API key = one `account`).

    Args:
        api_key: the organisation's API key (secret; never logged or stored).
        base_url: API root; the production URL by default, the sandbox in tests and the demo.
        account: the configured account name, written to every row as `source_account` and part of every key.
        page_size: list page size (`limit`, 1-100).
        detail_concurrency: parallel `GET /v2/tickets/{ticketNumber}` calls for conversation parts.
        rate_limit_per_minute: client-side ceiling matching the vendor's documented limit.
        request_stats: a `RequestStats` to count requests into (the run summary reads it).

    Nested objects and arrays (author, status, customFields, csat payloads, ...) land as JSON columns and are
    unnested in dbt staging, so every part type keeps its own payload and new fields never explode the schema.
    """
    stats = request_stats if isinstance(request_stats, RequestStats) else RequestStats()
    client = helpers.make_client(api_key, base_url, account, stats, rate_limit_per_minute)

    @dlt.resource(
        name="tickets",
        primary_key=("source_account", "id"),
        write_disposition="merge",
    )
    def tickets(
        updated_at: dlt.sources.incremental[Any] = dlt.sources.incremental(
            "updatedAt", row_order="desc", on_cursor_value_missing="include"
        ),
    ) -> Iterator[Any]:
        """One row per ticket, newest change first (`sortBy=recent&sortOrder=desc`).

        Incremental on `updatedAt`: dlt stops paging at the first ticket older than the last run's maximum, so
        an hourly run reads one page when little changed. Merged on (source_account, id).
        """
        params = {"sortBy": "recent", "sortOrder": "desc", "limit": page_size}
        for page in helpers.iter_pages(client, settings.TICKETS_PATH, params, settings.TICKETS_ENDPOINT):
            yield from _route([helpers.check_ticket(r, account, settings.TICKETS_ENDPOINT) for r in page])

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
        if isinstance(page, QuarantineRecord):
            return
        page = page if isinstance(page, list) else [page]
        tickets_in_page = [t for t in page if not isinstance(t, QuarantineRecord)]
        for rows in client.map_concurrent(
            lambda ticket: helpers.ticket_parts(client, ticket, account), tickets_in_page, detail_concurrency
        ):
            yield from _route(rows)

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
    )
