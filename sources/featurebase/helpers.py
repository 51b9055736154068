"""Featurebase HTTP paging and record shaping; everything here is plain Python, testable without dlt."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sources.common.http import NotFoundError, RequestStats, VendorClient
from sources.common.quarantine import QuarantineRecord, SideRecord, parse_timestamp, quarantine_record
from sources.featurebase import settings


def make_client(
    api_key: str,
    base_url: str,
    account: str,
    stats: RequestStats | None,
    rate_limit_per_minute: int | None,
) -> VendorClient:
    return VendorClient(
        vendor=settings.VENDOR,
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
    )


def iter_pages(
    client: VendorClient, path: str, params: dict[str, Any], endpoint: str | None = None
) -> Iterator[list[dict[str, Any]]]:
    """Follow `nextCursor` until it is empty; a plain-array endpoint is one page. Callers may stop early."""
    cursor: str | None = None
    while True:
        page_params = dict(params)
        if cursor:
            page_params["cursor"] = cursor
        body = client.get(path, page_params, endpoint=endpoint)
        data = (body.get("data") or []) if isinstance(body, dict) else body
        yield data
        cursor = body.get("nextCursor") if isinstance(body, dict) else None
        if not cursor or not data:
            return


def _shape(record: dict[str, Any], account: str, timestamps: tuple[str, ...]) -> dict[str, Any]:
    shaped = dict(record)
    shaped["source_account"] = account
    for field in timestamps:
        if field in shaped:
            shaped[field] = parse_timestamp(shaped[field])
    return shaped


def check_record(
    record: Any,
    account: str,
    endpoint: str,
    *,
    kind: str,
    timestamps: tuple[str, ...],
    cursor: str,
    integer_fields: tuple[str, ...] = (),
) -> dict[str, Any] | QuarantineRecord:
    """A loadable record, or a quarantine row saying why it is not (no id, bad number, bad or missing cursor)."""
    record_id = record.get("id") if isinstance(record, dict) else None
    reason = None
    if not isinstance(record, dict):
        reason = f"{kind} is not an object ({type(record).__name__})"
    elif not record_id:
        reason = "missing id"
    elif any(not isinstance(record.get(field), int) for field in integer_fields):
        reason = f"missing or non-integer {', '.join(integer_fields)}"
    else:
        try:
            shaped = _shape(record, account, timestamps)
            if shaped.get(cursor) is None:
                reason = f"missing {cursor}"
        except ValueError as exc:
            reason = f"bad timestamp: {exc}"
    if reason:
        return quarantine_record(
            vendor=settings.VENDOR,
            account=account,
            endpoint=endpoint,
            reason=reason,
            payload=record,
            record_id=str(record_id) if record_id else None,
        )
    return shaped


def check_ticket(record: Any, account: str, endpoint: str) -> dict[str, Any] | QuarantineRecord:
    return check_record(
        record,
        account,
        endpoint,
        kind="ticket",
        timestamps=settings.TICKET_TIMESTAMPS,
        cursor="updatedAt",
        integer_fields=("ticketNumber",),
    )


def check_post(record: Any, account: str) -> dict[str, Any] | QuarantineRecord:
    return check_record(
        record, account, settings.POSTS_ENDPOINT, kind="post", timestamps=settings.POST_TIMESTAMPS, cursor="updatedAt"
    )


def check_comment(record: Any, account: str) -> dict[str, Any] | QuarantineRecord:
    return check_record(
        record,
        account,
        settings.COMMENTS_ENDPOINT,
        kind="comment",
        timestamps=settings.COMMENT_TIMESTAMPS,
        cursor="createdAt",
    )


def signature(*values: Any) -> str:
    """What we remember of a record between runs to tell whether it changed (compact: state is stored per run)."""
    return "|".join("" if v is None else (v.isoformat() if isinstance(v, datetime) else str(v)) for v in values)


def post_voters(
    client: VendorClient, post: dict[str, Any], account: str, page_size: int
) -> list[dict[str, Any]] | None:
    """Every voter of a post (all pages), tagged with the account; [] without a call when it has no upvotes,
    None when the post vanished between the list and this call."""
    if not post.get("upvotes"):
        return []
    voters: list[dict[str, Any]] = []
    path = settings.POST_VOTERS_PATH.format(post_id=post["id"])
    try:
        for page in iter_pages(client, path, {"limit": page_size}, settings.POST_VOTERS_ENDPOINT):
            voters.extend(_shape(v, account, ()) for v in page if isinstance(v, dict) and v.get("id"))
    except NotFoundError:
        return None
    return voters


def observation(post: dict[str, Any], voters: list[dict[str, Any]], account: str, as_of: datetime) -> dict[str, Any]:
    """One observed state of a post: upvotes, status and the full voter set, stamped with the run's time."""
    status = post.get("status") or {}
    return {
        "source_account": account,
        "post_id": post["id"],
        "observed_at": as_of,
        "upvotes": post.get("upvotes"),
        "status_id": status.get("id"),
        "status_name": status.get("name"),
        "status_type": status.get("type"),
        "post_updated_at": post.get("updatedAt"),
        "voter_ids": sorted(str(v["id"]) for v in voters),
        "voters_fetched": True,
    }


def deletion(account: str, entity: str, record_id: str, as_of: datetime) -> SideRecord:
    return SideRecord(source_account=account, entity=entity, id=record_id, deleted_at=as_of)


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
    rows: list[dict[str, Any] | QuarantineRecord] = []
    for position, part in enumerate(detail.get("conversationParts") or []):
        reason = None
        if not isinstance(part, dict) or not part.get("id"):
            reason = "conversation part without id"
        else:
            try:
                row = _shape(part, account, settings.PART_TIMESTAMPS)
            except ValueError as exc:
                reason = f"bad timestamp: {exc}"
        if reason:
            rows.append(
                quarantine_record(
                    vendor=settings.VENDOR,
                    account=account,
                    endpoint=settings.TICKET_DETAIL_ENDPOINT,
                    reason=reason,
                    payload={"ticketId": ticket["id"], "ticketNumber": number, "part": part},
                    record_id=str(part.get("id")) if isinstance(part, dict) and part.get("id") else None,
                )
            )
            continue
        row["ticket_id"] = ticket["id"]
        row["ticket_number"] = number
        row["position"] = position
        rows.append(row)
    return rows


def shape_simple(records: Any, account: str) -> list[dict[str, Any]]:
    """Lookup lists (statuses, categories, custom fields): tag with the account, parse createdAt/updatedAt."""
    items = records.get("data", []) if isinstance(records, dict) else records or []
    return [_shape(item, account, ("createdAt", "updatedAt")) for item in items if isinstance(item, dict)]


def check_credentials(api_key: str, base_url: str, account: str) -> None:
    """One cheap authenticated call; raises AuthenticationError/ApiError with a one-line, key-free message."""
    client = make_client(api_key, base_url, account, None, None)
    try:
        client.get(settings.TICKET_STATUSES_PATH)
    finally:
        client.close()
