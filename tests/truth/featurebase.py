"""Featurebase payloads -> neutral truth records, read independently of `sources/`, `pipelines/` and `transforms/`.

Reads what the stand-in serves (`get_ticket` with conversationParts, the ticket statuses, the posts with their
voters and the voters' companies) and applies the docs and DESIGN.md definitions directly:

- a message part (user_msg, email_msg, admin_msg, bot_msg, quick reply options/responses) is a customer message
  when its author is a customer, lead or guest; an agent reply when its author is an admin; a bot message when
  a bot, an integration or nobody wrote it (an AI agent's admin_msg is not a first response);
- admin_note -> internal note; status -> status change, "closed"/"open" states (a snooze is neither); assign ->
  assignment; rating_requested / rating_submitted -> CSAT request / rating; anything else -> other;
- ticket status category by the status's type: reviewing/unstarted -> open, active -> pending, completed -> solved,
  canceled -> closed, unknown -> open;
- post stage by status: the status named "Open" of type reviewing -> open, other reviewing -> under_review,
  unstarted -> planned, active -> in_progress, completed -> done, canceled -> declined, none or unknown -> open;
- MRR behind a post: the monthly spend of the distinct companies of its current voters (each company once).
Deleted tickets and posts can no longer be read, so they are not here; quarantined records are skipped.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tests.truth import model

SOURCE_SYSTEM = "featurebase"
_MESSAGES = {"user_msg", "email_msg", "admin_msg", "bot_msg", "quick_reply_opts", "quick_reply_resp"}
_CUSTOMERS = {"customer", "lead", "guest"}
_OTHER_TYPES = {
    "admin_note": "internal_note",
    "status": "status_change",
    "assign": "assignment",
    "rating_requested": "csat_request",
    "rating_submitted": "csat_rating",
}
_CATEGORIES = {
    "reviewing": "open",
    "unstarted": "open",
    "active": "pending",
    "completed": "solved",
    "canceled": "closed",
}
_STAGES = {"unstarted": "planned", "active": "in_progress", "completed": "done", "canceled": "declined"}


def _ts(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _author_kind(author: dict[str, Any] | None) -> str:
    kind = (author or {}).get("type")
    if kind in _CUSTOMERS:
        return "customer"
    if kind == "admin":
        return "agent"
    if kind in ("bot", "integration"):
        return "bot"
    return "system"


def _event(part: dict[str, Any]) -> model.Event:
    part_type = part["partType"]
    author = part.get("author")
    author_kind = _author_kind(author)
    if part_type in _MESSAGES:
        event_type = {"customer": "customer_message", "agent": "agent_reply"}.get(author_kind, "bot_message")
    else:
        event_type = _OTHER_TYPES.get(part_type, "other")
    state = part.get("status") if part_type == "status" and part.get("status") in ("open", "closed") else None
    return model.Event(
        event_id=part["id"],
        occurred_at=_ts(part["createdAt"]),
        event_type=event_type,
        author_kind=author_kind,
        author_id=(author or {}).get("id"),
        state=state,
    )


def _csat(parts: list[dict[str, Any]]) -> list[model.CsatRequest]:
    """One entry per request id: when it was requested, and its latest rating."""
    requests: dict[str, dict[str, Any]] = {}
    for part in parts:
        csat = part.get("csat") or {}
        request_id = csat.get("requestId") or part["id"]
        entry = requests.setdefault(request_id, {"requested_at": None, "rated_at": None, "score": None, "agent": None})
        entry["agent"] = entry["agent"] or (csat.get("ratedAgent") or {}).get("id")
        if part["partType"] == "rating_requested":
            entry["requested_at"] = _ts(csat.get("requestedAt")) or _ts(part["createdAt"])
        elif part["partType"] == "rating_submitted":
            rated_at = _ts(csat.get("ratedAt")) or _ts(part["createdAt"])
            if entry["rated_at"] is None or rated_at >= entry["rated_at"]:
                entry["rated_at"], entry["score"] = rated_at, csat.get("score")
            entry["requested_at"] = entry["requested_at"] or _ts(csat.get("requestedAt"))
    return [
        model.CsatRequest(request_id, e["requested_at"], e["rated_at"], e["score"], e["agent"])
        for request_id, e in requests.items()
    ]


def tickets(workspace: Any, account: str) -> list[model.Ticket]:
    """Every live ticket with its conversation parts as events, in timeline order."""
    types = {status["id"]: status.get("type") for status in workspace.statuses}
    out: list[model.Ticket] = []
    for ticket_id, summary in workspace.truth()["tickets"].items():
        payload = workspace.get_ticket(summary["ticketNumber"])
        status = payload.get("status") or {}
        status_type = types.get(status.get("id"), status.get("type"))
        parts = [p for p in payload.get("conversationParts") or [] if isinstance(p, dict) and p.get("id")]
        out.append(
            model.Ticket(
                source_system=SOURCE_SYSTEM,
                source_account=account,
                ticket_id=ticket_id,
                created_at=_ts(payload["createdAt"]),
                status_category=_CATEGORIES.get(status_type, "open"),
                events=[_event(p) for p in parts],
                csat=_csat([p for p in parts if p["partType"] in ("rating_requested", "rating_submitted")]),
            )
        )
    return out


def _stage(status: dict[str, Any] | None) -> str:
    if not status:
        return "open"
    if status.get("type") == "reviewing":
        return "open" if (status.get("name") or "").lower() == "open" else "under_review"
    return _STAGES.get(status.get("type"), "open")


def feedback(workspace: Any, account: str) -> list[model.Feedback]:
    """Every live post: stage, upvotes, its current voters and the distinct-company MRR behind them."""
    store = workspace.feedback
    out: list[model.Feedback] = []
    for post_id, post in store.posts.items():
        voters: list[dict[str, Any]] = []
        after = None
        while True:
            page, after = store.list_voters(post_id, 100, after)
            voters.extend(page)
            if after is None:
                break
        spend: dict[str, float] = {}
        for voter in voters:
            for company in voter.get("companies") or []:
                company_id = company.get("id") or company.get("companyId") or company.get("name")
                if company_id is not None:
                    spend[company_id] = max(spend.get(company_id, 0.0), company.get("monthlySpend") or 0.0)
        out.append(
            model.Feedback(
                source_system=SOURCE_SYSTEM,
                source_account=account,
                feedback_id=post_id,
                title=post["title"],
                status_stage=_stage(post.get("status")),
                vote_count=post.get("upvotes") or 0,
                voter_ids=frozenset(v["id"] for v in voters),
                mrr=round(sum(spend.values()), 2),
                comment_count=post.get("commentCount"),
                created_at=datetime.fromisoformat(post["createdAt"].replace("Z", "+00:00")),
            )
        )
    return out
