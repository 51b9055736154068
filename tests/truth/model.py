"""Neutral records a vendor's truth adapter produces from raw payloads (what the marts should describe)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

EVENT_TYPES = (
    "customer_message",
    "agent_reply",
    "internal_note",
    "bot_message",
    "status_change",
    "assignment",
    "csat_request",
    "csat_rating",
    "other",
)
AUTHOR_KINDS = ("customer", "agent", "bot", "system")
STATUS_CATEGORIES = ("open", "pending", "solved", "closed")
STATUS_STAGES = ("open", "under_review", "planned", "in_progress", "done", "declined", "merged")


@dataclass(frozen=True)
class Event:
    """One conversation part / activity, in timeline order.

    `state` is set on status changes only: "closed" when the ticket moves into a solved/closed status,
    "open" when it moves back to an open one, None for changes that are neither (snoozes, stage moves within
    open work).
    """

    event_id: str
    occurred_at: datetime
    event_type: str
    author_kind: str | None = None
    author_id: str | None = None
    state: str | None = None


@dataclass(frozen=True)
class CsatRequest:
    request_id: str
    requested_at: datetime | None
    rated_at: datetime | None = None
    score: int | None = None
    rated_agent_id: str | None = None


@dataclass
class Ticket:
    source_system: str
    source_account: str
    ticket_id: str
    created_at: datetime
    status_category: str
    events: list[Event] = field(default_factory=list)
    csat: list[CsatRequest] = field(default_factory=list)
    is_deleted: bool = False


@dataclass
class Feedback:
    source_system: str
    source_account: str
    feedback_id: str
    title: str
    status_stage: str
    vote_count: int
    voter_ids: frozenset[str] | None = None  # None: the vendor does not list voters
    mrr: float | None = None  # None: the vendor reports no revenue for it
    comment_count: int | None = None
    merged_into_id: str | None = None
    is_deleted: bool = False
    created_at: datetime | None = None  # where the item's first stage stretch starts (mart_status_funnel)
