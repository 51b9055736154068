"""Featurebase HTTP paging and record shaping; everything here is plain Python, testable without dlt."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sources.common.http import NotFoundError, RequestStats, VendorClient
from sources.common.quarantine import QuarantineRecord, parse_timestamp, quarantine_record
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


def check_ticket(record: Any, account: str, endpoint: str) -> dict[str, Any] | QuarantineRecord:
    """A loadable ticket, or a quarantine row saying why it is not (no id, no number, bad timestamp)."""
    if not isinstance(record, dict):
        reason = f"ticket is not an object ({type(record).__name__})"
        return quarantine_record(
            vendor=settings.VENDOR, account=account, endpoint=endpoint, reason=reason, payload=record
        )
    record_id = record.get("id")
    reason = None
    if not record_id:
        reason = "missing id"
    elif not isinstance(record.get("ticketNumber"), int):
        reason = "missing or non-integer ticketNumber"
    else:
        try:
            shaped = _shape(record, account, settings.TICKET_TIMESTAMPS)
            if shaped.get("updatedAt") is None:
                reason = "missing updatedAt"
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


def ticket_parts(client: VendorClient, ticket: dict[str, Any], account: str) -> list[dict[str, Any] | QuarantineRecord]:
    """The ticket's conversation parts, each tagged with its ticket and position; [] if the ticket is gone."""
    number = ticket["ticketNumber"]
    try:
        detail = client.get(
            settings.TICKET_DETAIL_PATH.format(ticket_number=number), endpoint=settings.TICKET_DETAIL_ENDPOINT
        )
    except NotFoundError:
        return []
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
