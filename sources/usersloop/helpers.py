"""UsersLoop HTTP calls, list scans, the request plan and record shaping; plain Python on top of sources/common.

The relations rule (which feedback relations a run reads, and how) is `relations_plan`'s docstring.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sources.common import state
from sources.common.http import NotFoundError, RequestStats, VendorClient, default_error_detail
from sources.common.observations import vote_observation
from sources.common.paging import laravel_pages
from sources.common.records import check_record, shape
from sources.usersloop import settings

#: source-state key of the last complete size of each list (the next run's first request plan)
LIST_TOTALS_STATE_KEY = "list_totals"


def _error_detail(parsed: Any) -> str:
    """UsersLoop errors: `{"message": ...}` (401, 422, 429, 5xx, unknown routes) or `{"error": ...}` (a missing
    record); a 422 also lists the failing fields, `{"errors": {field: [messages]}}`, which name what to fix."""
    detail = default_error_detail(parsed)
    errors = parsed.get("errors") if isinstance(parsed, dict) else None
    if isinstance(errors, dict) and errors:
        fields = "; ".join(
            f"{name}: {' '.join(str(m) for m in (messages if isinstance(messages, list) else [messages]))}"
            for name, messages in errors.items()
        )
        detail = f"{detail} ({fields})" if detail else fields
    return detail


def make_client(
    api_key: str,
    base_url: str,
    account: str,
    stats: RequestStats | None,
    rate_limit_per_minute: int | None,
    rate_window_seconds: float | None = None,
    max_attempts: int = 8,
) -> VendorClient:
    """The account's client: Bearer key, `Accept: application/json` (the docs require it), and the documented
    60 requests per minute kept by the shared limiter (0 or None: no client-side limit)."""
    return VendorClient(
        vendor=settings.NAME,
        base_url=base_url,
        headers={"Authorization": f"Bearer {api_key}", "Accept": "application/json"},
        secrets=[api_key],
        env_prefix=settings.ENV_PREFIX,
        account=account,
        stats=stats,
        rate_limit_per_minute=rate_limit_per_minute or None,
        rate_window_seconds=rate_window_seconds,
        error_parser=_error_detail,
        max_attempts=max_attempts,
    )


def check_credentials(api_key: str, base_url: str, account: str) -> None:
    """One cheap authenticated call (`GET /boards`, not paginated), at most 2 attempts; raises a one-line,
    key-free SourceError."""
    client = make_client(
        api_key, base_url, account, None, settings.RATE_LIMIT_PER_MINUTE, settings.RATE_WINDOW_SECONDS, 2
    )
    try:
        client.get(settings.BOARDS.path, endpoint=settings.BOARDS.endpoint)
    finally:
        client.close()


# ------------------------------------------------------------------------------------------ request plan
class RequestPlan:
    """The run's planned request count, by part (a list's pages, a kind of detail), published to `RequestStats`
    whenever a part changes, so the CLI and the Prefect logs show requests done / planned and the time left at
    the allowance. Parts start from the last run's list sizes and are corrected as soon as a first page tells
    a list's size and a scan tells how many details it needs; retries add to the plan (they are requests too).
    """

    def __init__(self, stats: RequestStats, per_minute: float | None, page_size: int) -> None:
        self.stats = stats
        self.per_minute = per_minute
        self.page_size = page_size
        self.parts: dict[str, int] = {}
        self._started = False

    def start(self, totals: dict[str, int]) -> None:
        """The first estimate (once per run): one request per unpaginated list, the pages the lists had last
        time (one each on a first run), no details yet."""
        if self._started:
            return
        self._started = True
        for listing in settings.UNPAGED_LISTS:
            self.parts[listing.resource] = 1
        for listing in settings.PAGED_LISTS:
            self.parts[listing.resource] = self.pages(totals.get(listing.resource, 0))
        self._publish()

    def pages(self, total: int) -> int:
        return max(1, math.ceil(total / self.page_size))

    def set(self, part: str, requests: int) -> None:
        self.parts[part] = requests
        self._publish()

    def add(self, part: str, requests: int) -> None:
        if requests:
            self.set(part, self.parts.get(part, 0) + requests)

    def _publish(self) -> None:
        self.stats.plan(sum(self.parts.values()) + self.stats.retries, self.per_minute)


# --------------------------------------------------------------------------------------------- list scans
class _TotalsRecorder:
    """The client as `laravel_pages` sees it, noting each page body's `total` (either paginator shape)."""

    def __init__(self, client: VendorClient, note: Callable[[Any], None]) -> None:
        self._client = client
        self._note = note

    def get(self, path: str, params: Any = None, endpoint: str | None = None) -> Any:
        body = self._client.get(path, params, endpoint=endpoint)
        if isinstance(body, dict):
            meta = body.get("meta")
            self._note(meta.get("total") if isinstance(meta, dict) else body.get("total"))
        return body


@dataclass
class ListScan:
    """One read of a whole paginated list (`page` 1..last, `per_page` at the maximum), in either paginator shape.

    Under UsersLoop's `id` desc order, items created while the scan runs push the rest down a page, so a later
    page repeats the end of an earlier one: repeated ids are dropped (no duplicate rows, no second detail). The
    new items themselves sit on pages already read; the next run lists them. A list whose `total` moved while it
    was read is not `stable`: a deletion in between may have pulled an item up past the page boundary, so no
    deletion is concluded from what it missed (the next run, if the list stands still, decides).
    """

    client: VendorClient
    listing: settings.Listing
    page_size: int
    params: dict[str, Any] = field(default_factory=dict)
    on_total: Callable[[int], None] | None = None
    listed: set[str] = field(default_factory=set)
    totals: list[Any] = field(default_factory=list)

    @property
    def stable(self) -> bool:
        return len(set(self.totals)) <= 1

    def pages(self) -> Iterator[list[Any]]:
        params = {**self.params, "per_page": self.page_size}
        recorder = _TotalsRecorder(self.client, self._note_total)
        for page in laravel_pages(recorder, self.listing.path, params, self.listing.endpoint):  # type: ignore[arg-type]
            fresh: list[Any] = []
            for item in page:
                item_id = item.get("id") if isinstance(item, dict) else None
                if item_id is not None and str(item_id) in self.listed:
                    continue
                if item_id is not None:
                    self.listed.add(str(item_id))
                fresh.append(item)
            yield fresh

    def _note_total(self, total: Any) -> None:
        if isinstance(total, int) and not self.totals and self.on_total is not None:
            self.on_total(total)
        self.totals.append(total)


def unpaged(client: VendorClient, listing: settings.Listing) -> list[Any]:
    """`GET /boards`, `GET /helpdesk/categories`: `{"data": [...]}` in one request."""
    body = client.get(listing.path, endpoint=listing.endpoint)
    data = body.get("data") if isinstance(body, dict) else body
    return data if isinstance(data, list) else []


def detail(client: VendorClient, listing: settings.Listing, item_id: Any) -> dict[str, Any] | None:
    """`GET /<list>/{id}` -> its `data`; None when the record is gone (404) since it was listed."""
    try:
        body = client.get(listing.detail_path.format(id=item_id), endpoint=listing.detail_endpoint)
    except NotFoundError:
        return None
    data = body.get("data") if isinstance(body, dict) else None
    return data if isinstance(data, dict) else None


def check(record: Any, account: str, listing: settings.Listing, cursor: str | None = "updated_at") -> Any:
    """A loadable record tagged with its account (timestamps parsed), or a quarantine row with the reason."""
    return check_record(
        record,
        vendor=settings.NAME,
        account=account,
        endpoint=listing.endpoint,
        kind=listing.resource,
        timestamps=settings.TIMESTAMPS,
        cursor=cursor,
    )


def detail_row(record: dict[str, Any], found: dict[str, Any], account: str, resource: str) -> dict[str, Any]:
    """What a detail adds to its list item, keyed like the item, with the `updated_at` it was read at."""
    row = {name: found.get(name) for name in settings.DETAIL_FIELDS[resource]}
    return shape({"id": record["id"], "updated_at": record["updated_at"], **row}, account)


# ---------------------------------------------------------------------------------- feedback relations
@dataclass(frozen=True)
class FeedbackMemo:
    """What a run remembers of one feedback item (source state, one compact string per id): the `updated_at`
    it was last listed with, the `updated_at` its detail was last read at (tags, account, account user), its
    vote count and status (a change is a vote observation), and its boards in the vendor's order."""

    updated_at: str
    detail_at: str
    votes: str
    status: str
    boards: tuple[str, ...]

    @classmethod
    def parse(cls, value: str | None) -> FeedbackMemo | None:
        parts = (value or "").split("|")
        if len(parts) != 5:
            return None
        return cls(parts[0], parts[1], parts[2], parts[3], tuple(b for b in parts[4].split(",") if b))

    def dump(self) -> str:
        return state.signature(self.updated_at, self.detail_at, self.votes, self.status, ",".join(self.boards))


def stamp(value: Any) -> str:
    """A timestamp as remembered in state (the ISO text of the parsed value)."""
    return state.signature(value)


def board_scan_cost(board_ids: Iterable[str], memberships: Iterable[tuple[str, ...]], page_size: int) -> int:
    """Requests to list every board's feedback (`GET /feedback?board_id=N`): one page per `page_size` items on
    the board, at least one per board, counted from the memberships known now."""
    counts = Counter(board for boards in memberships for board in boards)
    return sum(max(1, math.ceil(counts[board] / page_size)) for board in board_ids)


def relations_plan(
    new: list[str], changed: list[str], stale: list[str], board_scan_requests: int, reconcile: bool
) -> tuple[list[str], bool]:
    """Which feedback items get a detail call this run, and whether every board's list is scanned instead.

    The relations rule. A feedback item's relations are its boards, tags, account and account user. The list
    never shows them; `GET /feedback/{id}` shows all four for one item (one request each), `GET
    /feedback?board_id=N` shows which items are on board N (one request per 100 items on it, every board:
    `board_scan_requests`), and nothing shows tags, account or account user but the detail. `updated_at` moves
    when the item itself is saved (status, text, board moves), never for votes or comments, so an item whose
    `updated_at` did not move has the relations it had.

    - New items: a detail each (nothing else knows their tags, account and account user).
    - Items whose `updated_at` moved: a detail each, or, when there are more of them than the per-board scans
      cost, the per-board scans, which re-read every item's boards at once. Their tags, account and account
      user (set when the item is created, per the contract) are kept from their last detail; such an item is
      remembered as detail-stale.
    - A reconcile run (nightly) never takes that shortcut: every changed and detail-stale item gets its detail,
      so the warehouse is exact after it whatever was edited.
    - Unchanged items: nothing; a run with no new or changed item makes only its list scans.

    So the detail calls of a run are at most new + changed (+ detail-stale on a reconcile), and a run costs
    list pages + new + min(changed, board-scan pages) requests.
    """
    if reconcile:
        return new + changed + [item for item in stale if item not in set(changed)], False
    if changed and len(changed) > board_scan_requests:
        return list(new), True
    return new + changed, False


def reorder_boards(previous: tuple[str, ...], members: set[str]) -> tuple[str, ...]:
    """An item's boards in the vendor's order after a per-board scan, which gives membership, not order: boards
    it kept stay where they were, a board it joined takes the place of one it left (a move keeps the item's
    primary board slot), other joined boards follow in id order."""
    joined = sorted(members - set(previous), key=_id_order)
    ordered: list[str] = []
    for board in previous:
        if board in members:
            ordered.append(board)
        elif joined:
            ordered.append(joined.pop(0))
    return (*ordered, *joined)


def _id_order(value: str) -> tuple[int, str]:
    return (int(value), "") if value.isdigit() else (0, value)


def boards_json(board_ids: Iterable[str], names: dict[str, str]) -> list[dict[str, Any]]:
    """Boards as the detail gives them, `[{id, name}]`, for rows built from per-board scans."""
    return [{"id": int(b) if b.isdigit() else b, "name": names.get(b)} for b in board_ids]


def observation(record: dict[str, Any], account: str, as_of: datetime) -> dict[str, Any]:
    """The item as observed now: its vote count and status (UsersLoop lists no voters, reports no revenue)."""
    return vote_observation(
        account=account,
        feedback_id=str(record["id"]),
        observed_at=as_of,
        vote_count=record.get("votes_count"),
        status=record.get("status"),
        status_type=record.get("status"),
        feedback_updated_at=record.get("updated_at"),
    )
