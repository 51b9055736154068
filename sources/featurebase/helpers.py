"""Featurebase HTTP calls and record shaping; plain Python on top of sources/common, testable without dlt."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sources.common.http import NotFoundError, RequestStats, VendorClient
from sources.common.observations import vote_observation
from sources.common.paging import cursor_pages
from sources.common.quarantine import QuarantineRecord
from sources.common.records import check_children, record_checker, shape
from sources.featurebase import settings


def _error_detail(parsed: Any) -> str:
    """Featurebase errors: `{"error": {type, code, message, param, status}}`."""
    error = parsed.get("error") if isinstance(parsed, dict) else None
    if not isinstance(error, dict):
        return ""
    param = f" (param {error['param']})" if error.get("param") else ""
    return f"{error.get('code') or error.get('type') or ''} {error.get('message') or ''}{param}".strip()


def make_client(
    api_key: str,
    base_url: str,
    account: str,
    stats: RequestStats | None,
    rate_limit_per_minute: int | None,
    max_attempts: int = 8,
) -> VendorClient:
    return VendorClient(
        vendor=settings.NAME,
        base_url=base_url,
        headers={
            "Authorization": f"Bearer {api_key}",
            settings.VERSION_HEADER: settings.API_VERSION,
            "Accept": "application/json",
        },
        secrets=[api_key],
        env_prefix=settings.ENV_PREFIX,
        account=account,
        stats=stats,
        rate_limit_per_minute=rate_limit_per_minute,
        error_parser=_error_detail,
        max_attempts=max_attempts,
    )


def pages(client: VendorClient, path: str, params: dict[str, Any], endpoint: str | None = None) -> Any:
    """Featurebase lists: `{object: "list", data, nextCursor}`; lookups may be plain arrays (one page)."""
    return cursor_pages(client, path, params, endpoint, data_field="data", next_cursor_field="nextCursor")


check_ticket = record_checker(
    vendor=settings.NAME,
    endpoint=settings.TICKETS_ENDPOINT,
    kind="ticket",
    timestamps=settings.TICKET_TIMESTAMPS,
    cursor="updatedAt",
    integer_fields=("ticketNumber",),
)
check_post = record_checker(
    vendor=settings.NAME,
    endpoint=settings.POSTS_ENDPOINT,
    kind="post",
    timestamps=settings.POST_TIMESTAMPS,
    cursor="updatedAt",
)
check_comment = record_checker(
    vendor=settings.NAME,
    endpoint=settings.COMMENTS_ENDPOINT,
    kind="comment",
    timestamps=settings.COMMENT_TIMESTAMPS,
    cursor="createdAt",
)


def ticket_parts(
    client: VendorClient, ticket: dict[str, Any], account: str
) -> list[dict[str, Any] | QuarantineRecord] | None:
    """The ticket's conversation parts, each tagged with its ticket and position; None if the ticket is gone."""
    number = ticket["ticketNumber"]
    try:
        detail = client.get(
            settings.TICKET_DETAIL_PATH.format(ticket_number=number), endpoint=settings.TICKET_DETAIL_ENDPOINT
        )
    except NotFoundError:
        return None
    return check_children(
        detail.get("conversationParts"),
        vendor=settings.NAME,
        account=account,
        endpoint=settings.TICKET_DETAIL_ENDPOINT,
        kind="part",
        timestamps=settings.PART_TIMESTAMPS,
        parent={"ticket_id": ticket["id"], "ticket_number": number},
    )


def post_voters(
    client: VendorClient, post: dict[str, Any], account: str, page_size: int
) -> list[dict[str, Any]] | None:
    """Every voter of a post (all pages), tagged with the account; None when the post vanished in between."""
    voters: list[dict[str, Any]] = []
    path = settings.POST_VOTERS_PATH.format(post_id=post["id"])
    try:
        for page in pages(client, path, {"limit": page_size}, settings.POST_VOTERS_ENDPOINT):
            voters.extend(shape(v, account) for v in page if isinstance(v, dict) and v.get("id"))
    except NotFoundError:
        return None
    return voters


def observation(post: dict[str, Any], voters: list[dict[str, Any]], account: str, as_of: datetime) -> dict[str, Any]:
    """The post as observed now: upvotes, status and its complete voter set."""
    status = post.get("status") or {}
    return vote_observation(
        account=account,
        feedback_id=post["id"],
        observed_at=as_of,
        vote_count=post.get("upvotes"),
        voter_ids=[v["id"] for v in voters],
        status=status.get("name"),
        status_type=status.get("type"),
        feedback_updated_at=post.get("updatedAt"),
    )


def shape_simple(records: Any, account: str) -> list[dict[str, Any]]:
    """Lookup lists (statuses, categories, custom fields, boards): tagged with the account, timestamps parsed."""
    items = records.get("data", []) if isinstance(records, dict) else records or []
    return [shape(item, account, ("createdAt", "updatedAt")) for item in items if isinstance(item, dict)]


def check_credentials(api_key: str, base_url: str, account: str) -> None:
    """One cheap authenticated call, no retry storm; raises a one-line, key-free SourceError."""
    client = make_client(api_key, base_url, account, None, None, max_attempts=2)
    try:
        client.get(settings.TICKET_STATUSES_PATH)
    finally:
        client.close()
