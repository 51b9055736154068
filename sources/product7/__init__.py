"""Product7: the workspace, its members and ticket statuses, tickets with their activity timelines, and feedback."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import dlt
from dlt.sources import DltResource

from sources.common import cursors, scan, state
from sources.common.http import RequestStats
from sources.common.observations import VOTE_OBSERVATIONS_HINTS
from sources.common.quarantine import QuarantineRecord, parse_timestamp
from sources.common.routing import good, route, to_side_table
from sources.product7 import helpers, settings

_TICKETS = "tickets"  # the state kind whose signatures (uuid -> last_activity_at) gate detail calls
_FEEDBACK = "feedback"


@dlt.source(name="product7", max_table_nesting=0)
def product7_source(
    api_key: str = dlt.secrets.value,
    base_url: str = settings.DEFAULT_BASE_URL,
    account: str = "default",
    page_size: int = settings.TICKETS_PAGE_SIZE,
    feedback_page_size: int = settings.FEEDBACK_PAGE_SIZE,
    detail_concurrency: int = settings.DETAIL_CONCURRENCY,
    rate_limit_per_minute: int = settings.RATE_LIMIT_PER_MINUTE,
    reconcile: bool = False,
    as_of: str | None = None,
    request_stats: Any = None,
) -> Sequence[DltResource]:
    """Product7 support and feedback data for one workspace (a token is scoped to one workspace = one `account`).

    Args:
        api_key: the workspace's API token (secret; never logged or stored).
        base_url: `https://{workspace}.api.product7.io`, from `workspace` or `base_url` of the account's settings.
        account: the configured account name, written to every row as `source_account` and first in every key.
        page_size: ticket list `page_size` (1-100).
        feedback_page_size: feedback list `limit` (1-100).
        detail_concurrency: parallel ticket detail calls (activity timelines).
        rate_limit_per_minute: client-side ceiling for all calls of the run (Product7 documents none; 0 = none).
        reconcile: read every ticket (not only those with new activity) and record deletions of tickets no longer
            listed; feedback is read whole on every run anyway.
        as_of: the run's logical time (ISO 8601), stamped on vote observations and deletions; default now.
        request_stats: a `RequestStats` to count requests into (the run summary reads it).

    Nested objects and arrays (status, requester, assignees, author, changes, board) land as JSON columns and are
    unnested in dbt staging, so new fields never explode the schema.
    """
    stats = request_stats if isinstance(request_stats, RequestStats) else RequestStats()
    client = helpers.make_client(api_key, base_url, account, stats, rate_limit_per_minute)
    observed_at = parse_timestamp(as_of) if as_of else datetime.now(UTC)

    @dlt.resource(name="workspace", primary_key=("source_account", "id"), write_disposition="merge")
    def workspace() -> Iterator[dict[str, Any]]:
        """One row per account: the workspace its token is scoped to (`/api/v1/me`: id, name, domain).

        Read first on every run: it is the documented auth check, so a rejected token fails before anything else.
        """
        row = helpers.workspace_row(client, account)
        if row is not None:
            yield from scan.changed_rows("workspace", [row], rewrite=reconcile)  # written again only if it changed

    def lookup(name: str, path: str) -> DltResource:
        def rows() -> Iterator[list[dict[str, Any]]]:
            """One row per member or ticket status and account, the whole list on every run (neither endpoint
            pages, and both are small); merged on (source_account, id), so accounts never replace each other.
            Only new and changed rows are written (all of them in a reconcile run)."""
            if changed := scan.changed_rows(name, helpers.lookup_rows(client, path, account), rewrite=reconcile):
                yield changed

        return dlt.resource(rows, name=name, primary_key=("source_account", "id"), write_disposition="merge")

    @dlt.resource(name="tickets", primary_key=("source_account", "uuid"), write_disposition="merge")
    def tickets(
        last_activity_at: dlt.sources.incremental[Any] = cursors.newest_first(settings.TICKET_CURSOR, reconcile),
    ) -> Iterator[Any]:
        """One row per ticket, newest activity first, by page number.

        Incremental on `last_activity_at`: dlt stops paging at the first page that reaches a ticket older than the
        last run's largest `last_activity_at`, or one it already loaded with that very value (ties are told apart
        by uuid), so an hourly run with no new activity reads one page. A ticket listed twice because the pages
        shifted is merged on (source_account, uuid). A reconcile run reads every page; a remembered ticket it did
        not list is recorded deleted once its detail answers 404.
        """
        listed: set[str] = set()

        def check(record: Any) -> Any:
            row = helpers.check_ticket(record, account)
            if not isinstance(row, QuarantineRecord):
                listed.add(str(row["uuid"]))
            return row

        yield from scan.scan(
            helpers.ticket_pages(client, page_size),
            check,
            kind=_TICKETS,
            entity="ticket",
            account=account,
            as_of=observed_at,
            complete=False,  # deletions need a 404 first (see helpers.confirmed_gone)
            # dicts, not Arrow: dlt's Arrow incremental reads on through rows tied with the cursor (it stops
            # only at an older one), so a tie wider than a page would cost a no-change run extra pages; its
            # dict path stops at the first tie it has already seen. Activities, the bulk, stay Arrow.
            as_arrow=False,
            id_field="uuid",
        )
        if reconcile:
            unlisted = sorted(set(state.seen(_TICKETS)) - listed)
            gone = helpers.confirmed_gone(client, unlisted, detail_concurrency)
            yield from scan.deletions_of(_TICKETS, "ticket", gone, account, observed_at)

    @dlt.transformer(
        name="ticket_activities",
        data_from=tickets,
        primary_key=("source_account", "ticket_uuid", "id"),
        write_disposition="merge",
    )
    def ticket_activities(page: Any) -> Iterator[Any]:
        """One row per activity (comments, replies, internal notes and state changes), for new or changed
        tickets only: a ticket's detail is fetched when its `last_activity_at` differs from the last loaded one.

        Calls run concurrently within the rate limit. A detail that answers 404 means the ticket was deleted
        since it was listed: it is recorded as deleted and the run goes on. Merged on (source_account,
        ticket_uuid, id), so a timeline read again replaces its rows.
        """
        changed = scan.changed_details(
            client,
            page,
            kind=_TICKETS,
            signature=lambda ticket: state.signature(ticket[settings.TICKET_CURSOR]),
            fetch=lambda ticket: helpers.ticket_activities(client, ticket, account),
            concurrency=detail_concurrency,
            id_field="uuid",
        )
        yield from route([activity for _, found in changed.found for activity in found], as_arrow=True)
        yield from scan.deletions_of(_TICKETS, "ticket", [t["uuid"] for t in changed.gone], account, observed_at)

    @dlt.resource(name="feedback", primary_key=("source_account", "id"), write_disposition="merge")
    def feedback() -> Iterator[Any]:
        """One row per feedback item, the whole list on every run (cursor paging, newest first).

        Votes change `vote_count` without moving any sort key or `updated_at`, so only a full scan sees them; it
        also makes every run complete, so an item no longer listed is recorded deleted. Only new and changed
        items are written (and observed, below): an hourly run with no new vote writes nothing; a reconcile run
        writes them all. Merged on (source_account, id).
        """
        yield from scan.scan(
            helpers.feedback_pages(client, feedback_page_size),
            lambda record: helpers.check_feedback(record, account),
            kind=_FEEDBACK,
            entity="feedback",
            account=account,
            as_of=observed_at,
            complete=True,
            whole_list=True,
            rewrite=reconcile,
        )

    @dlt.transformer(name="feedback_vote_counts", data_from=feedback)
    def feedback_vote_counts(page: Any) -> Iterator[Any]:
        """A vote observation of every new or changed item (vote_count and status at the run's logical time)
        into the shared `vote_observations` table; dbt's vote history turns count changes between observations
        into vote events, and an item's last observation holds until it changes. Merged on (source_account,
        feedback_id, observed_at): a re-run overwrites."""
        items = good(page)
        if items:  # one batch per page: dlt recomputes a table's hints for every item given with hints
            observations = [helpers.observation(item, account, observed_at) for item in items]
            yield to_side_table(observations, VOTE_OBSERVATIONS_HINTS)

    return (
        workspace,
        *(lookup(name, path) for name, path in settings.LOOKUPS),
        tickets,
        ticket_activities,
        feedback,
        feedback_vote_counts,
    )
