"""The incremental machinery every vendor shares: scan a list and remember what it listed, reconcile deletions
after a complete scan, and fetch details only for records that changed since the last run, concurrently."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sources.common import state
from sources.common.http import VendorClient
from sources.common.observations import DELETIONS_HINTS, deletion
from sources.common.quarantine import SideRecord
from sources.common.routing import good, route, to_side_table

Check = Callable[[Any], dict[str, Any]]


def scan(
    pages: Iterable[list[Any]],
    check: Check,
    *,
    kind: str,
    entity: str,
    account: str,
    as_of: datetime,
    complete: bool,
    as_arrow: bool = False,
    id_field: str = "id",
    whole_list: bool = False,
    rewrite: bool = False,
) -> Iterator[Any]:
    """Pages of checked records; every id listed is remembered (a detail transformer may refine its signature).

    `complete` says the scan reads the whole list (a reconcile run, or a vendor whose list is always read
    whole): when the pages run out, what was remembered but not listed becomes a deletion. An incremental scan
    that dlt stops early never reaches that point.

    `whole_list` (a list the vendor serves whole every run) leaves out records identical to what was last
    written for their id: they are neither checked nor written again (a broken one is not quarantined again),
    and they still count as listed; `rewrite` (a reconcile run) writes them all and refreshes their digests.
    """
    seen = state.seen(kind)
    listed: set[str] = set()
    for page in pages:
        if whole_list:
            raw_id = _raw_id(id_field)
            for record_id in [str(i) for i in map(raw_id, page) if i is not None]:
                listed.add(record_id)
                seen.setdefault(record_id, "")
            page = state.unwritten(kind, page, raw_id, keep_all=rewrite)
        rows = [check(record) for record in page]
        for row in good(rows):
            record_id = str(row[id_field])
            listed.add(record_id)
            seen.setdefault(record_id, "")
        yield from route(rows, as_arrow)
    if complete:
        yield from deletions_of_unlisted(kind, entity, listed, account, as_of)


def _raw_id(id_field: str) -> Callable[[Any], Any]:
    return lambda record: record.get(id_field) if isinstance(record, dict) else None


def changed_rows(kind: str, rows: list[Any], *, rewrite: bool = False, id_field: str = "id") -> list[Any]:
    """The checked rows of a list served whole every run that need writing: new and changed ones (all of them
    when `rewrite`, a reconcile run) and side rows (quarantine). See `scan`'s `whole_list`."""

    def row_id(row: Any) -> Any:
        return None if isinstance(row, SideRecord) else row.get(id_field)

    return state.unwritten(kind, rows, row_id, keep_all=rewrite)


def deletions_of_unlisted(kind: str, entity: str, listed: set[str], account: str, as_of: datetime) -> Iterator[Any]:
    """Deletion rows for every remembered record of `kind` a complete scan did not list; they are forgotten."""
    seen, written = state.seen(kind), state.written(kind)
    gone = sorted(set(seen) - listed)
    for record_id in gone:
        seen.pop(record_id)
        written.pop(record_id, None)
    if gone:
        yield to_side_table([deletion(account, entity, record_id, as_of) for record_id in gone], DELETIONS_HINTS)


def deletions_of(kind: str, entity: str, record_ids: Iterable[str], account: str, as_of: datetime) -> Iterator[Any]:
    """Deletion rows for records found gone another way (a detail answered 404); they are forgotten."""
    seen, written = state.seen(kind), state.written(kind)
    rows = []
    for record_id in record_ids:
        seen.pop(str(record_id), None)
        written.pop(str(record_id), None)
        rows.append(deletion(account, entity, str(record_id), as_of))
    if rows:
        yield to_side_table(rows, DELETIONS_HINTS)


@dataclass
class ChangedDetails:
    """The details of a page's changed records; `gone` lists those whose detail no longer exists."""

    found: list[tuple[dict[str, Any], Any]] = field(default_factory=list)
    gone: list[dict[str, Any]] = field(default_factory=list)


def changed_details(
    client: VendorClient,
    page: Any,
    *,
    kind: str,
    signature: Callable[[dict[str, Any]], str],
    fetch: Callable[[dict[str, Any]], Any],
    concurrency: int,
    id_field: str = "id",
    needs_detail: Callable[[dict[str, Any]], bool] | None = None,
) -> ChangedDetails:
    """Details for the page's records whose signature changed since the last run, fetched concurrently.

    `fetch` returns the detail, or None when the record vanished between the list and this call. The new
    signature is remembered for records whose detail was taken (dlt commits it with the rows); a vanished
    record is forgotten. `needs_detail` lets a source skip the call for records whose detail is known to be
    empty (a post with no votes): their signature is remembered and their detail is None in `found`.
    """
    seen = state.seen(kind)
    changed = [record for record in good(page) if seen.get(str(record[id_field])) != signature(record)]
    to_fetch = [record for record in changed if needs_detail is None or needs_detail(record)]
    result = ChangedDetails()
    details = dict(zip(map(id, to_fetch), client.map_concurrent(fetch, to_fetch, concurrency), strict=True))
    for record in changed:
        record_id = str(record[id_field])
        if id(record) in details and details[id(record)] is None:
            seen.pop(record_id, None)
            result.gone.append(record)
            continue
        result.found.append((record, details.get(id(record))))
        seen[record_id] = signature(record)
    return result
