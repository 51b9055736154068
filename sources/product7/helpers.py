"""Product7 HTTP calls and record shaping: plain Python on top of sources/common, testable without dlt."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sources.common.errors import SourceError, setting_name
from sources.common.http import NotFoundError, RequestStats, VendorClient, default_error_detail
from sources.common.observations import vote_observation
from sources.common.paging import cursor_pages, field_at, number_pages
from sources.common.quarantine import QuarantineRecord
from sources.common.records import check_children, record_checker, shape
from sources.product7 import settings


def _error_detail(parsed: Any) -> str:
    """Product7 errors are `{"status": false, "message": "..."}`; anything else is read the common way (a proxy
    or load balancer in front of the API answers in its own shape)."""
    if isinstance(parsed, dict) and parsed.get("status") is False and isinstance(parsed.get("message"), str):
        return parsed["message"]
    return default_error_detail(parsed)


def check_base_url(base_url: str, account: str) -> None:
    """Refuse the URL template: without `workspace` or `base_url` there is no host to call, and a DNS error
    about `{workspace}` would not say what to set."""
    if "{workspace}" in base_url:
        workspace = setting_name(settings.ENV_PREFIX, account, "WORKSPACE")
        url = setting_name(settings.ENV_PREFIX, account, "BASE_URL")
        raise SourceError(
            settings.NAME,
            f"no workspace configured. Fix: set {workspace} (acme for https://acme.api.product7.io) or {url}",
            account=account,
        )


def make_client(
    api_key: str,
    base_url: str,
    account: str,
    stats: RequestStats | None,
    rate_limit_per_minute: int | None,
    max_attempts: int = 8,
) -> VendorClient:
    """The account's client: Bearer token (never logged: it is the redactor's secret), Product7 error bodies."""
    check_base_url(base_url, account)
    return VendorClient(
        vendor=settings.NAME,
        base_url=base_url,
        headers={"Authorization": f"Bearer {api_key}", "Accept": "application/json"},
        secrets=[api_key],
        env_prefix=settings.ENV_PREFIX,
        account=account,
        stats=stats,
        rate_limit_per_minute=rate_limit_per_minute or None,
        error_parser=_error_detail,
        max_attempts=max_attempts,
    )


def workspace_row(client: VendorClient, account: str) -> dict[str, Any] | None:
    """`data.workspace` of `/api/v1/me` (id, name, domain) tagged with the account; None if the body has none."""
    workspace = field_at(client.get(settings.ME_PATH, endpoint=settings.ME_ENDPOINT), "data.workspace")
    return shape(workspace, account) if isinstance(workspace, dict) else None


def lookup_rows(client: VendorClient, path: str, account: str) -> list[dict[str, Any]]:
    """A reference list read whole (members, ticket statuses: neither is paginated), tagged with the account;
    items without an id cannot be merged and are left out."""
    data = field_at(client.get(path), "data")
    return [shape(item, account) for item in data or [] if isinstance(item, dict) and item.get("id") is not None]


def ticket_pages(client: VendorClient, page_size: int) -> Iterator[list[Any]]:
    """The ticket list by page number, newest activity first, until `meta.total_pages` (or an empty page).

    Pages shift while they are read (a ticket with new activity jumps to page 1): a ticket may be listed twice
    (the merge collapses it) or missed until the next run, whose cursor is the largest `last_activity_at` seen.
    """
    return number_pages(
        client,
        settings.TICKETS_PATH,
        {"page_size": page_size},
        settings.TICKETS_ENDPOINT,
        data_field="data",
        last_page_fields=("meta.total_pages",),
    )


def feedback_pages(client: VendorClient, limit: int) -> Iterator[list[Any]]:
    """Every feedback item, newest first, following `meta.next_cursor` until it is empty or `has_more` is false."""
    return cursor_pages(
        client,
        settings.FEEDBACK_PATH,
        {"limit": limit, "sort": "newest"},
        settings.FEEDBACK_ENDPOINT,
        data_field="data",
        next_cursor_field="meta.next_cursor",
        has_more_field="meta.has_more",
    )


# a ticket is keyed by its `uuid` (the `T-1042` id is a label); no uuid or no parsable `last_activity_at` (the
# cursor) means quarantine
check_ticket = record_checker(
    vendor=settings.NAME,
    endpoint=settings.TICKETS_ENDPOINT,
    kind="ticket",
    timestamps=settings.TICKET_TIMESTAMPS,
    cursor=settings.TICKET_CURSOR,
    id_field="uuid",
)
check_feedback = record_checker(
    vendor=settings.NAME,
    endpoint=settings.FEEDBACK_ENDPOINT,
    kind="feedback",
    timestamps=settings.FEEDBACK_TIMESTAMPS,
    cursor=None,
)


def ticket_detail(client: VendorClient, uuid: str) -> dict[str, Any] | None:
    """`data` of `GET /api/v1/tickets/{uuid}`; None when the ticket is gone (404: deleted since it was listed)."""
    try:
        body = client.get(settings.TICKET_DETAIL_PATH.format(uuid=uuid), endpoint=settings.TICKET_DETAIL_ENDPOINT)
    except NotFoundError:
        return None
    detail = field_at(body, "data")
    return detail if isinstance(detail, dict) else {}


def ticket_activities(
    client: VendorClient, ticket: dict[str, Any], account: str
) -> list[dict[str, Any] | QuarantineRecord] | None:
    """The ticket's activity timeline (oldest first), each tagged with its ticket and position; None if gone.
    A broken activity is quarantined with its ticket in the payload; the others still load."""
    detail = ticket_detail(client, ticket["uuid"])
    if detail is None:
        return None
    return check_children(
        detail.get("activities"),
        vendor=settings.NAME,
        account=account,
        endpoint=settings.TICKET_DETAIL_ENDPOINT,
        kind="activity",
        timestamps=settings.ACTIVITY_TIMESTAMPS,
        parent={"ticket_uuid": ticket["uuid"], "ticket_number": ticket.get("number")},
    )


def observation(item: dict[str, Any], account: str, as_of: datetime) -> dict[str, Any]:
    """What a run saw of a feedback item's votes: the count and status only (Product7 lists no voters). The
    status is its own type too (one level), as the feedback_status_stages seed expects."""
    return vote_observation(
        account=account,
        feedback_id=item["id"],
        observed_at=as_of,
        vote_count=item.get("vote_count"),
        status=item.get("status"),
        status_type=item.get("status"),
        feedback_updated_at=item.get("updated_at"),
    )


def check_credentials(api_key: str, base_url: str, account: str) -> None:
    """`GET /api/v1/me`, the documented auth check, at most twice; raises a one-line, key-free SourceError."""
    client = make_client(api_key, base_url, account, None, None, max_attempts=2)
    try:
        client.get(settings.ME_PATH, endpoint=settings.ME_ENDPOINT)
    finally:
        client.close()


def confirmed_gone(client: VendorClient, unlisted: list[str], concurrency: int) -> list[str]:
    """The tickets among `unlisted` (remembered, but not in a complete scan) whose detail answers 404.

    Page-number lists shift under a scan: a ticket that got new activity jumps to a page already read, and a
    deletion moves the next page's first ticket onto the previous page. Either way a live ticket can be missing
    from one scan, so only the detail's 404 (the contract's "the record is gone") makes it a deletion.
    """
    found = client.map_concurrent(lambda uuid: ticket_detail(client, uuid) is not None, unlisted, concurrency)
    return [uuid for uuid, exists in zip(unlisted, found, strict=True) if not exists]
