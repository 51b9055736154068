"""UsersLoop truth adapter: the raw payloads a UsersLoop stand-in serves, read into neutral records.

An independent reading of the contract (VENDORS.md "UsersLoop"), written without looking at how the source or the
transforms read it, so that a shared misreading cannot make both sides agree:

- a feedback item is one record keyed by its integer `id` (as a string); votes come from `votes_count` only (the
  API never lists voters, and reports no revenue), comments from `comments_count`;
- statuses map to the canonical stages new -> open, discussing -> under_review, planned -> planned,
  in_progress -> in_progress, completed -> done, not_planned -> declined; an unknown status loads as open;
- a record without an integer `id`, or whose `created_at` / `updated_at` is not an ISO 8601 timestamp, is not a
  record the warehouse can hold (it is quarantined), so it is left out here;
- "what was shipped for whom": roadmap items (any status) and PUBLISHED updates, one row per item and each
  feedback item it addresses (its detail's `feedback` list); drafts and scheduled updates have told nobody yet.

Only the workspace's public payload accessors are used (`list_feedback`, `list_roadmap`, `get_roadmap`,
`list_updates`, `get_update`): exactly what the API serves, with no pagination in the way.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Protocol

from tests.truth import model

SOURCE_SYSTEM = "usersloop"
STATUS_STAGES = {
    "new": "open",
    "discussing": "under_review",
    "planned": "planned",
    "in_progress": "in_progress",
    "completed": "done",
    "not_planned": "declined",
}


class UsersLoopPayloads(Protocol):
    """The part of a UsersLoop sandbox workspace this adapter reads: list items and details as served."""

    def list_feedback(self) -> list[dict[str, Any]]: ...

    def list_roadmap(self) -> list[dict[str, Any]]: ...

    def get_roadmap(self, roadmap_id: int) -> dict[str, Any] | None: ...

    def list_updates(self) -> list[dict[str, Any]]: ...

    def get_update(self, update_id: int) -> dict[str, Any] | None: ...


def _timestamp(value: Any) -> datetime | None:
    """UsersLoop's `2026-01-15T10:30:00.000000Z`; None when the value is not such a timestamp."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ")
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC)


def _loadable(payload: dict[str, Any]) -> bool:
    item_id = payload.get("id")
    if not isinstance(item_id, int) or isinstance(item_id, bool):
        return False
    return _timestamp(payload.get("created_at")) is not None and _timestamp(payload.get("updated_at")) is not None


def feedback(workspace: UsersLoopPayloads, account: str) -> list[model.Feedback]:
    """One `Feedback` per loadable feedback item, in the API's order (newest first)."""
    records: list[model.Feedback] = []
    for item in workspace.list_feedback():
        if not _loadable(item):
            continue
        records.append(
            model.Feedback(
                source_system=SOURCE_SYSTEM,
                source_account=account,
                feedback_id=str(item["id"]),
                title=item["title"],
                status_stage=STATUS_STAGES.get(item["status"], "open"),
                vote_count=int(item["votes_count"]),
                voter_ids=None,
                mrr=None,
                comment_count=int(item["comments_count"]),
                created_at=_timestamp(item["created_at"]),
            )
        )
    return records


def roadmap(workspace: UsersLoopPayloads, account: str) -> list[dict[str, Any]]:
    """One row per (roadmap item or published update, feedback item it addresses).

    Keys: source_system, source_account, kind ("roadmap" | "update"), item_id, title (a roadmap item's name or an
    update's title), status, published_at (updates only; None for roadmap items) and feedback_id. An item that
    addresses no feedback has no row.
    """
    rows: list[dict[str, Any]] = []
    for item in workspace.list_roadmap():
        if not _loadable(item):
            continue
        detail = workspace.get_roadmap(item["id"]) or {}
        for linked in detail.get("feedback", []):
            rows.append(_row("roadmap", item, item["name"], None, linked, account))
    for item in workspace.list_updates():
        if not _loadable(item) or item["status"] != "published":
            continue
        detail = workspace.get_update(item["id"]) or {}
        for linked in detail.get("feedback", []):
            rows.append(_row("update", item, item["title"], item["published_at"], linked, account))
    return rows


def _row(
    kind: str, item: dict[str, Any], title: str, published_at: str | None, linked: dict[str, Any], account: str
) -> dict[str, Any]:
    return {
        "source_system": SOURCE_SYSTEM,
        "source_account": account,
        "kind": kind,
        "item_id": str(item["id"]),
        "title": title,
        "status": item["status"],
        "published_at": _timestamp(published_at),
        "feedback_id": str(linked["id"]),
    }
