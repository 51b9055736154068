"""Record checking and shaping: a record we can load is tagged with its account and has parsed timestamps; one
we cannot (no id, a bad number, an unparsable or missing cursor) becomes a quarantine row with the reason."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sources.common.quarantine import QuarantineRecord, parse_timestamp, quarantine_record


def shape(record: dict[str, Any], account: str, timestamps: Iterable[str] = ()) -> dict[str, Any]:
    """A copy tagged with `source_account`, its `timestamps` fields parsed (ValueError if one is unparsable)."""
    shaped = dict(record)
    shaped["source_account"] = account
    for name in timestamps:
        if name in shaped:
            shaped[name] = parse_timestamp(shaped[name])
    return shaped


def check_record(
    record: Any,
    *,
    vendor: str,
    account: str,
    endpoint: str,
    kind: str,
    timestamps: tuple[str, ...],
    cursor: str | None,
    id_field: str = "id",
    integer_fields: tuple[str, ...] = (),
) -> dict[str, Any] | QuarantineRecord:
    """A loadable record, or a quarantine row saying why it is not."""
    record_id = record.get(id_field) if isinstance(record, dict) else None
    reason = None
    shaped: dict[str, Any] = {}
    if not isinstance(record, dict):
        reason = f"{kind} is not an object ({type(record).__name__})"
    elif record_id is None or record_id == "":
        reason = f"missing {id_field}"
    elif any(not isinstance(record.get(name), int) or isinstance(record.get(name), bool) for name in integer_fields):
        reason = f"missing or non-integer {', '.join(integer_fields)}"
    else:
        try:
            shaped = shape(record, account, timestamps)
            if cursor and shaped.get(cursor) is None:
                reason = f"missing {cursor}"
        except ValueError as exc:
            reason = f"bad timestamp: {exc}"
    if reason:
        return quarantine_record(
            vendor=vendor,
            account=account,
            endpoint=endpoint,
            reason=reason,
            payload=record,
            record_id=str(record_id) if record_id not in (None, "") else None,
        )
    return shaped


#: a vendor's check of one kind of record: (record, account) -> the loadable record or its quarantine row
RecordCheck = Callable[[Any, str], dict[str, Any] | QuarantineRecord]


def record_checker(
    *,
    vendor: str,
    endpoint: str,
    kind: str,
    timestamps: tuple[str, ...],
    cursor: str | None,
    id_field: str = "id",
    integer_fields: tuple[str, ...] = (),
) -> RecordCheck:
    """`check_record` with one kind's rules bound, so a vendor declares each kind once instead of wrapping it."""

    def check(record: Any, account: str) -> dict[str, Any] | QuarantineRecord:
        return check_record(
            record,
            vendor=vendor,
            account=account,
            endpoint=endpoint,
            kind=kind,
            timestamps=timestamps,
            cursor=cursor,
            id_field=id_field,
            integer_fields=integer_fields,
        )

    return check


def check_children(
    children: Any,
    *,
    vendor: str,
    account: str,
    endpoint: str,
    kind: str,
    timestamps: tuple[str, ...],
    parent: dict[str, Any],
    id_field: str = "id",
) -> list[dict[str, Any] | QuarantineRecord]:
    """Child rows of a detail (conversation parts, activities, comments), each tagged with its parent (`parent`
    is merged into every row, e.g. {"ticket_id": ...}) and its position; broken children are quarantined with
    their parent in the payload, the others still load."""
    rows: list[dict[str, Any] | QuarantineRecord] = []
    for position, child in enumerate(children or []):
        row = check_record(
            child,
            vendor=vendor,
            account=account,
            endpoint=endpoint,
            kind=kind,
            timestamps=timestamps,
            cursor=None,
            id_field=id_field,
        )
        if isinstance(row, QuarantineRecord):
            row["payload"] = {**parent, kind: child}
            rows.append(row)
            continue
        row.update(parent)
        row["position"] = position
        rows.append(row)
    return rows
