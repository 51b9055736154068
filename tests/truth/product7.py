"""Product7 payloads -> neutral truth records, read independently of `sources/`, `pipelines/` and `transforms/`.

Takes a sandbox workspace and reads only what its API serves (`list_tickets_all`, `ticket_detail`, `statuses`,
`feedback_items`), applying VENDORS.md and the DESIGN.md definitions directly:

- event type: `comment` by a customer -> customer_message; `comment`/`reply` by a member -> agent_reply; by a bot
  or the system -> bot_message (the author decides, not the type); `internal_note` -> internal_note;
  `status_change`/`stage_change` -> status_change; `assignment` -> assignment; `priority_change` and anything
  unknown -> other.
- `state` only on a status change: "closed" when the target status closes tickets, else "open"; a stage change
  carries no state.
- ticket status category: a closing status -> "closed" if the stage is closed, else "solved"; an open status ->
  "pending" if the stage is waiting_on_customer, else "open".
- deleted tickets can no longer be read (404), so they are omitted; records that cannot be loaded (no uuid,
  unparsable timestamps) are quarantined by the pipeline and omitted here too. Product7 has no CSAT.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tests.truth import model

SOURCE_SYSTEM = "product7"
_AUTHOR_KINDS = {"customer": "customer", "member": "agent", "bot": "bot", "system": "system"}
_STAGE_OF_FEEDBACK = {
    "open": "open",
    "pending": "under_review",
    "under_review": "under_review",
    "planned": "planned",
    "in_progress": "in_progress",
    "completed": "done",
    "closed": "declined",
}


def _parse(ts: Any) -> datetime | None:
    """An ISO 8601 timestamp, or None when it is missing or does not parse (a quarantined record)."""
    if not isinstance(ts, str):
        return None
    try:
        return datetime.fromisoformat(ts.replace("Z", "+00:00"))
    except ValueError:
        return None


def _event_type(activity: dict[str, Any], author_kind: str | None) -> str:
    kind = activity.get("type")
    if kind in ("comment", "reply"):
        # The author decides: a bot's `reply` is no first response, a member's `comment` is one.
        by_author = {"agent": "agent_reply", "bot": "bot_message", "system": "bot_message"}
        return by_author.get(author_kind, "customer_message" if author_kind == "customer" else "other")
    return {
        "internal_note": "internal_note",
        "status_change": "status_change",
        "stage_change": "status_change",
        "assignment": "assignment",
    }.get(kind, "other")


def _status_category(ticket: dict[str, Any], closing: dict[str, bool]) -> str:
    status = ticket.get("status") or {}
    closes = closing.get(status.get("id"), bool(status.get("closes_ticket")))
    stage = ticket.get("stage")
    if closes:
        return "closed" if stage == "closed" else "solved"
    return "pending" if stage == "waiting_on_customer" else "open"


def tickets(workspace: Any, account: str) -> list[model.Ticket]:
    """Every readable ticket of the workspace with its activities as events, in timeline order."""
    closing = {s["id"]: bool(s["closes_ticket"]) for s in workspace.statuses}
    out: list[model.Ticket] = []
    for item in workspace.list_tickets_all():
        uuid = item.get("uuid")
        if not uuid or _parse(item.get("last_activity_at")) is None:
            continue
        detail = workspace.ticket_detail(uuid)
        created = _parse(detail.get("created_at")) if detail else None
        if detail is None or created is None:
            continue
        events: list[model.Event] = []
        for activity in detail.get("activities") or []:
            occurred = _parse(activity.get("timestamp"))
            if occurred is None:
                continue
            author = activity.get("author") or {}
            author_kind = _AUTHOR_KINDS.get(author.get("kind"))
            event_type = _event_type(activity, author_kind)
            state = None
            if activity.get("type") == "status_change":
                to_status = (activity.get("changes") or {}).get("to_status_id")
                state = "closed" if closing.get(to_status, False) else "open"
            events.append(
                model.Event(
                    event_id=activity["id"],
                    occurred_at=occurred,
                    event_type=event_type,
                    author_kind=author_kind,
                    author_id=author.get("id"),
                    state=state,
                )
            )
        events.sort(key=lambda e: e.occurred_at)  # served oldest first already; stable for equal instants
        out.append(
            model.Ticket(
                source_system=SOURCE_SYSTEM,
                source_account=account,
                ticket_id=uuid,
                created_at=created,
                status_category=_status_category(detail, closing),
                events=events,
            )
        )
    return out


def feedback(workspace: Any, account: str) -> list[model.Feedback]:
    """Every feedback item; votes are only counts (no voters, no revenue), unknown statuses read as open."""
    return [
        model.Feedback(
            source_system=SOURCE_SYSTEM,
            source_account=account,
            feedback_id=item["id"],
            title=item.get("title") or "",
            status_stage=_STAGE_OF_FEEDBACK.get(item.get("status"), "open"),
            vote_count=int(item.get("vote_count") or 0),
            voter_ids=None,
            mrr=None,
            comment_count=item.get("comment_count"),
            created_at=_parse(item.get("created_at")),
        )
        for item in workspace.feedback_items()
    ]
