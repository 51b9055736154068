"""Deterministic Mongo-like ids and fixed-format timestamps shared by the stand-ins."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from functools import lru_cache

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@lru_cache(maxsize=256)
def _prefix(kind: str) -> str:
    return hashlib.md5(kind.encode(), usedforsecurity=False).hexdigest()[:14]


def object_id(kind: str, counter: int) -> str:
    """24-hex id from a per-kind counter: equal counters give equal ids in every org (deliberately)."""
    return f"{_prefix(kind)}{counter:010x}"


def to_ms(dt: datetime) -> int:
    """Aware (or naive-as-UTC) datetime -> epoch milliseconds."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return int((dt - _EPOCH) // timedelta(milliseconds=1))


def from_ms(ms: int) -> datetime:
    return _EPOCH + timedelta(milliseconds=ms)


_DAY_PREFIX: dict[int, str] = {}


def iso_ms(ms: int) -> str:
    """ISO 8601 with milliseconds and Z, e.g. 2025-01-15T10:30:00.000Z (lexically sortable).

    Hand-rolled with a per-day cache: datetime formatting dominated generation time for large workspaces.
    """
    sec, milli = divmod(ms, 1000)
    day, rem = divmod(sec, 86400)
    prefix = _DAY_PREFIX.get(day)
    if prefix is None:
        prefix = _DAY_PREFIX[day] = f"{_EPOCH + timedelta(days=day):%Y-%m-%d}T"
    hour, rem = divmod(rem, 3600)
    minute, second = divmod(rem, 60)
    return f"{prefix}{hour:02d}:{minute:02d}:{second:02d}.{milli:03d}Z"
