"""Featurebase: support tickets with their conversation parts, and feedback posts with voters and comments."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import dlt
from dlt.sources import DltResource

from sources.common import cursors, scan, state
from sources.common.http import RequestStats
from sources.common.observations import VOTE_OBSERVATIONS_HINTS
from sources.common.quarantine import parse_timestamp
from sources.common.routing import route, side_table, to_side_table
from sources.featurebase import helpers, settings

_VOTERS_HINTS = side_table("voters", ("source_account", "id"))


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
        rate_limit_per_minute: client-side ceiling matching the vendor's documented limit (0 = none).
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

    def _scan(path: str, endpoint: str, params: dict[str, Any], check: Any, kind: str, entity: str, **kw: Any) -> Any:
        return scan.scan(
            helpers.pages(client, path, params, endpoint),
            check,
            kind=kind,
            entity=entity,
            account=account,
            as_of=observed_at,
            complete=reconcile,
            **kw,
        )

    @dlt.resource(name="tickets", primary_key=("source_account", "id"), write_disposition="merge")
    def tickets(updated_at: dlt.sources.incremental[Any] = cursors.newest_first("updatedAt", reconcile)) -> Any:
        """One row per ticket, newest change first (`sortBy=recent&sortOrder=desc`).

        Incremental on `updatedAt`: dlt stops paging at the first ticket older than the last run's maximum, so
        an hourly run reads one page when little changed. Merged on (source_account, id).
        """
        check = lambda record: helpers.check_ticket(record, account)  # noqa: E731
        yield from _scan(
            settings.TICKETS_PATH,
            settings.TICKETS_ENDPOINT,
            recently_updated,
            check,
            "tickets",
            "ticket",
            as_arrow=True,
        )

    @dlt.transformer(
        name="ticket_conversation_parts",
        data_from=tickets,
        primary_key=("source_account", "ticket_id", "id"),
        write_disposition="merge",
    )
    def ticket_conversation_parts(page: Any) -> Iterator[Any]:
        """One row per conversation part, all 17 part types, fetched only for new or changed tickets.

        The detail endpoint is the only place parts exist; calls run concurrently within the rate limit. A ticket
        whose detail answers 404 was deleted since the list was read: it is recorded as deleted. Merged on
        (source_account, ticket_id, id).
        """
        changed = scan.changed_details(
            client,
            page,
            kind="tickets",
            signature=lambda ticket: state.signature(ticket["updatedAt"]),
            fetch=lambda ticket: helpers.ticket_parts(client, ticket, account),
            concurrency=detail_concurrency,
        )
        yield from route([part for _, parts in changed.found for part in parts], as_arrow=True)
        yield from scan.deletions_of("tickets", "ticket", [t["id"] for t in changed.gone], account, observed_at)

    @dlt.resource(name="posts", primary_key=("source_account", "id"), write_disposition="merge")
    def posts(updated_at: dlt.sources.incremental[Any] = cursors.newest_first("updatedAt", reconcile)) -> Any:
        """One row per feedback post, most recently updated first (`sortBy=recent`), early stop like tickets.

        Merged on (source_account, id); a reconcile run lists every post and records the missing as deleted.
        """
        check = lambda record: helpers.check_post(record, account)  # noqa: E731
        yield from _scan(settings.POSTS_PATH, settings.POSTS_ENDPOINT, recently_updated, check, "posts", "post")

    @dlt.transformer(name="post_voters", data_from=posts)
    def post_voters(page: Any) -> Iterator[Any]:
        """Vote observations (the post's upvotes, status and complete voter set, stamped with the run's logical
        time) for posts whose upvotes or updatedAt changed, and their voters with the voters' companies.

        No vendor API gives vote timestamps, so vote history is observed: dbt's shared vote-history models turn
        consecutive observations into vote events. A post with no upvotes needs no voters call.
        """
        changed = scan.changed_details(
            client,
            page,
            kind="posts",
            signature=lambda post: state.signature(post.get("upvotes"), post["updatedAt"]),
            fetch=lambda post: helpers.post_voters(client, post, account, page_size),
            concurrency=detail_concurrency,
            needs_detail=lambda post: bool(post.get("upvotes")),
        )
        voters = [voter for _, found in changed.found for voter in found or []]
        observations = [helpers.observation(post, found or [], account, observed_at) for post, found in changed.found]
        # one batch per page: dlt recomputes a table's hints for every item it is given with hints
        if voters:
            yield to_side_table(voters, _VOTERS_HINTS)
        if observations:
            yield to_side_table(observations, VOTE_OBSERVATIONS_HINTS)
        yield from scan.deletions_of("posts", "post", [p["id"] for p in changed.gone], account, observed_at)

    @dlt.resource(name="comments", primary_key=("source_account", "id"), write_disposition="merge")
    def comments(created_at: dlt.sources.incremental[Any] = cursors.newest_first("createdAt", reconcile)) -> Any:
        """One row per comment in the organisation, newest first (`sortBy=new`), early stop on createdAt.

        Edits to old comments are caught by the reconcile run, which re-reads all and records deletions.
        """
        check = lambda record: helpers.check_comment(record, account)  # noqa: E731
        newest = {"sortBy": "new", "limit": page_size}
        yield from _scan(settings.COMMENTS_PATH, settings.COMMENTS_ENDPOINT, newest, check, "comments", "comment")

    def _lookup(name: str, path: str) -> DltResource:
        def fetch() -> Iterator[list[dict[str, Any]]]:
            for found in helpers.pages(client, path, {}):  # served whole every run: write what changed
                if rows := scan.changed_rows(name, helpers.shape_simple(found, account), rewrite=reconcile):
                    yield rows

        return dlt.resource(fetch, name=name, primary_key=("source_account", "id"), write_disposition="merge")

    return (
        tickets,
        ticket_conversation_parts,
        _lookup("ticket_statuses", settings.TICKET_STATUSES_PATH),
        _lookup("ticket_categories", settings.TICKET_CATEGORIES_PATH),
        _lookup("ticket_custom_fields", settings.TICKET_CUSTOM_FIELDS_PATH),
        posts,
        post_voters,
        comments,
        _lookup("boards", settings.BOARDS_PATH),
    )
