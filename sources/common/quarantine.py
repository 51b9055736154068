"""Record validation: a record we cannot load goes to quarantine with its reason instead of failing the run."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

QUARANTINE_TABLE = "quarantine"


class SideRecord(dict):
    """A row for a side table (quarantine, deletions) yielded by a resource whose transformers must skip it."""


class QuarantineRecord(SideRecord):
    """A row for the vendor's quarantine table."""


def quarantine_record(
    *, vendor: str, account: str, endpoint: str, reason: str, payload: Any, record_id: str | None = None
) -> QuarantineRecord:
    return QuarantineRecord(
        source_account=account,
        vendor=vendor,
        endpoint=endpoint,
        reason=reason,
        record_id=record_id,
        payload=payload,
        quarantined_at=datetime.now(UTC),
    )


def parse_timestamp(value: Any) -> datetime | None:
    """ISO 8601 (with `Z`) -> aware datetime; None stays None; anything unparsable raises ValueError."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if not isinstance(value, str):
        raise ValueError(f"not a timestamp: {value!r}")
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
