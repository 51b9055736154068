"""Incremental cursors: newest-first with early stop, or a full-scan window for reconcile runs."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import dlt

_FULL_SCAN_FROM = datetime(1970, 1, 1, tzinfo=UTC)
_FULL_SCAN_TO = datetime(2999, 1, 1, tzinfo=UTC)


def newest_first(field: str, full_scan: bool = False) -> dlt.sources.incremental[Any]:
    """A cursor on `field` for lists sorted newest first: dlt stops paging at the first record older than the
    last run's maximum. With `full_scan` (a reconcile run) it is a bounded range instead, which makes dlt read
    everything and leave the stored cursor untouched (dlt keeps no state for ranges with an end_value)."""
    if full_scan:
        return dlt.sources.incremental(
            field,
            initial_value=_FULL_SCAN_FROM,
            end_value=_FULL_SCAN_TO,
            row_order="desc",
            on_cursor_value_missing="include",
        )
    return dlt.sources.incremental(field, row_order="desc", on_cursor_value_missing="include")
