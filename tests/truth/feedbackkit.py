"""FeedbackKit truth: the raw `GET /feedbacks?includeMerged=true` and `GET /feedbacks/{id}/comments` payloads read
into neutral `Feedback` records with this module's own reading of the contract (VENDORS.md "FeedbackKit").

Independent of the project's code on purpose (no `sources`, `pipelines` or `transforms` imports): it takes a
workspace object and uses only its public payload accessors, `feedback_items(include_merged=True)` and
`comments_of(feedback_id)`, which return exactly what the API serves.

Reading rules:
- status stage: pending -> open, approved -> planned, in_progress and testflight -> in_progress,
  completed -> done, rejected -> declined; an item with `mergedIntoId` is `merged` whatever its status; an
  unknown status value -> open (VENDORS.md: unknown enum values are loaded and mapped to open);
- vote_count = voteCount; voter_ids None (FeedbackKit cannot list voters); mrr = totalMrr, None when null
  (never 0: an unknown MRR is not a zero MRR); comment_count = commentCount; merged_into_id = mergedIntoId;
- items a loader must quarantine (no `id`, or a `createdAt`/`updatedAt` that is not an ISO timestamp) are left
  out; deleted items are simply absent from the payload.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from tests.truth.model import Feedback

SOURCE_SYSTEM = "feedbackkit"
STATUS_STAGES = {
    "pending": "open",
    "approved": "planned",
    "in_progress": "in_progress",
    "testflight": "in_progress",
    "completed": "done",
    "rejected": "declined",
}


class FeedbackPayloads(Protocol):
    """What the adapter needs from a sandbox project: the payloads the API serves."""

    def feedback_items(self, include_merged: bool = True) -> list[dict[str, Any]]: ...

    def comments_of(self, feedback_id: str) -> list[dict[str, Any]] | None: ...


def _is_timestamp(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def is_loadable(item: dict[str, Any]) -> bool:
    """False for the records a loader quarantines: no usable id or an unparsable timestamp."""
    return (
        isinstance(item.get("id"), str)
        and bool(item["id"])
        and _is_timestamp(item.get("createdAt"))
        and _is_timestamp(item.get("updatedAt"))
    )


def status_stage(item: dict[str, Any]) -> str:
    if item.get("mergedIntoId"):
        return "merged"
    return STATUS_STAGES.get(item.get("status") or "", "open")


def feedback(workspace: FeedbackPayloads, account: str) -> list[Feedback]:
    """Every loadable feedback item (merged ones included) as a neutral record, in the API's order."""
    records: list[Feedback] = []
    for item in workspace.feedback_items(include_merged=True):
        if not is_loadable(item):
            continue
        mrr = item.get("totalMrr")
        records.append(
            Feedback(
                source_system=SOURCE_SYSTEM,
                source_account=account,
                feedback_id=item["id"],
                title=item.get("title") or "",
                status_stage=status_stage(item),
                vote_count=int(item.get("voteCount") or 0),
                voter_ids=None,
                mrr=None if mrr is None else float(mrr),
                comment_count=item.get("commentCount"),
                merged_into_id=item.get("mergedIntoId"),
                created_at=datetime.fromisoformat(item["createdAt"].replace("Z", "+00:00")),
            )
        )
    return records


def comments(workspace: FeedbackPayloads, account: str) -> dict[str, list[dict[str, Any]]]:
    """Comments per loadable feedback id, oldest first, as served (`account` names the caller's account only)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for item in workspace.feedback_items(include_merged=True):
        if not is_loadable(item):
            continue
        served = workspace.comments_of(item["id"])
        out[item["id"]] = list(served or [])
    return out
