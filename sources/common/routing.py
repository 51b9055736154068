"""Where a resource's rows go: its own table (as a page, or one Arrow table per page), or a side table
(quarantine, deletions, observations) with its own hints, which the resource's transformers must not see."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import dlt
import pyarrow as pa
from dlt.extract.items import DataItemWithMeta

from sources.common.arrow import rows_to_table
from sources.common.quarantine import QUARANTINE_TABLE, QuarantineRecord, SideRecord

QUARANTINE_HINTS = dlt.mark.make_hints(
    table_name=QUARANTINE_TABLE, write_disposition="append", primary_key=[], merge_key=[]
)


def side_table(name: str, primary_key: Sequence[str], columns: dict[str, str] | None = None) -> Any:
    """Hints for a merged side table a resource writes besides its own (deletions, voters, observations);
    `columns` declares types up front (name -> dlt data type), so a column no row filled yet still exists."""
    declared = {column: {"data_type": data_type} for column, data_type in (columns or {}).items()}
    return dlt.mark.make_hints(
        table_name=name, write_disposition="merge", primary_key=list(primary_key), columns=declared or None
    )


def to_side_table(rows: Any, hints: Any) -> Any:
    return dlt.mark.with_hints(rows, hints, create_table_variant=True)


#: hints that say nothing: dlt hands a transformer's output the meta of the item it was made from when it has
#: none of its own, so a plain page of comments would take on the feedback page's column hints (a JSON column of
#: the parent appeared in FeedbackKit's `comments`); every page that leaves `route` carries hints of its own
_OWN_HINTS = dlt.mark.make_hints()


def arrow_page(rows: Sequence[dict[str, Any]]) -> Any:
    """The page as an Arrow table (see `sources.common.arrow`), its JSON-text columns declared `json`."""
    table, json_columns = rows_to_table(rows)
    if not json_columns:
        return dlt.mark.with_hints(table, _OWN_HINTS)
    columns = {name: {"data_type": "json"} for name in json_columns}
    return dlt.mark.with_hints(table, dlt.mark.make_hints(columns=columns))


def route(rows: Sequence[dict[str, Any]], as_arrow: bool = False) -> Iterator[Any]:
    """Good rows go out as one page (one Arrow table when `as_arrow`); each quarantine row goes to the
    quarantine table with its own hints."""
    good = [row for row in rows if not isinstance(row, QuarantineRecord)]
    for row in rows:
        if isinstance(row, QuarantineRecord):
            yield to_side_table(row, QUARANTINE_HINTS)
    if good:
        yield arrow_page(good) if as_arrow else dlt.mark.with_hints(good, _OWN_HINTS)


def good(page: Any) -> list[dict[str, Any]]:
    """The parent's real records: transformers also receive its side rows (quarantine, deletions).

    A page that went out as an Arrow table comes back as dicts with JSON columns as text; detail transformers
    only read ids, numbers, counts and timestamps from them.
    """
    if isinstance(page, DataItemWithMeta):  # a page as `route` yields it, with its hints
        page = page.data
    if isinstance(page, pa.Table):
        return page.to_pylist()
    page = page if isinstance(page, list) else [page]
    return [row for row in page if isinstance(row, dict) and not isinstance(row, SideRecord)]
