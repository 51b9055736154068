"""The metric definitions of DESIGN.md, computed in plain Python from neutral truth records.

- first response = creation -> first customer-facing message by a human agent (`agent_reply`; bots,
  integrations, system authors and internal notes never count), at or after creation;
- resolution = creation -> first status change into a solved/closed status;
- reopen = a change back to open whose previous open/closed state was closed;
- CSAT % = ratings 4-5 / ratings (by the UTC day rated); response rate = rated requests / requests (by the UTC
  day requested);
- daily: opened (by creation day), solved (by first-resolution day), backlog at the end of the day (created by
  then and not closed at that moment), medians / p90 as linear interpolation (SQL `percentile_cont`);
- deleted tickets and their events and ratings are left out of every report figure.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from tests.truth.model import Ticket


def minutes_between(start: datetime, end: datetime | None) -> float | None:
    return None if end is None else (end - start).total_seconds() / 60.0


def utc_day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def percentile_cont(values: list[float], fraction: float) -> float | None:
    """Linear interpolation between the closest ranks, as SQL's percentile_cont / DuckDB's quantile_cont."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True)
class TicketMetrics:
    first_response_at: datetime | None
    first_response_minutes: float | None
    resolved_at: datetime | None
    resolution_minutes: float | None
    reopen_count: int
    customer_message_count: int
    agent_reply_count: int
    internal_note_count: int
    bot_message_count: int
    latest_csat_score: int | None


def ticket_metrics(ticket: Ticket) -> TicketMetrics:
    replies = [
        e.occurred_at for e in ticket.events if e.event_type == "agent_reply" and e.occurred_at >= ticket.created_at
    ]
    first_response_at = min(replies) if replies else None
    closings = [e.occurred_at for e in ticket.events if e.state == "closed"]
    resolved_at = min(closings) if closings else None
    reopens, previous = 0, None
    for event in ticket.events:
        if event.state is None:
            continue
        if event.state == "open" and previous == "closed":
            reopens += 1
        previous = event.state
    counts = defaultdict(int)
    for event in ticket.events:
        counts[event.event_type] += 1
    rated = [c for c in ticket.csat if c.score is not None]
    latest = max(rated, key=lambda c: c.rated_at or datetime.min.replace(tzinfo=UTC)) if rated else None
    return TicketMetrics(
        first_response_at=first_response_at,
        first_response_minutes=minutes_between(ticket.created_at, first_response_at),
        resolved_at=resolved_at,
        resolution_minutes=minutes_between(ticket.created_at, resolved_at),
        reopen_count=reopens,
        customer_message_count=counts["customer_message"],
        agent_reply_count=counts["agent_reply"],
        internal_note_count=counts["internal_note"],
        bot_message_count=counts["bot_message"],
        latest_csat_score=latest.score if latest else None,
    )


def _state_at_end_of(ticket: Ticket, day: date) -> str:
    state = "open"
    for event in ticket.events:
        if event.state is not None and utc_day(event.occurred_at) <= day:
            state = event.state
    return state


def support_daily(tickets: list[Ticket]) -> dict[tuple[str, str, date], dict[str, float | int | None]]:
    """mart_support_daily's figures per (source_system, source_account, UTC day), deleted tickets left out.

    Days run densely from each source's first to its last activity (creation, resolution, events, CSAT).
    """
    live = [t for t in tickets if not t.is_deleted]
    metrics = {id(t): ticket_metrics(t) for t in live}
    by_source: dict[tuple[str, str], list[Ticket]] = defaultdict(list)
    for ticket in live:
        by_source[(ticket.source_system, ticket.source_account)].append(ticket)
    rows: dict[tuple[str, str, date], dict[str, float | int | None]] = {}
    for (system, account), group in by_source.items():
        activity: list[date] = []
        for t in group:
            activity.append(utc_day(t.created_at))
            if metrics[id(t)].resolved_at:
                activity.append(utc_day(metrics[id(t)].resolved_at))
            activity += [utc_day(e.occurred_at) for e in t.events]
            for c in t.csat:
                activity += [utc_day(m) for m in (c.requested_at, c.rated_at) if m]
        day, last = min(activity), max(activity)
        while day <= last:
            opened = [t for t in group if utc_day(t.created_at) == day]
            solved = [t for t in group if metrics[id(t)].resolved_at and utc_day(metrics[id(t)].resolved_at) == day]
            first_responses = [
                metrics[id(t)].first_response_minutes
                for t in opened
                if metrics[id(t)].first_response_minutes is not None
            ]
            resolutions = [metrics[id(t)].resolution_minutes for t in solved]
            requests = [c for t in group for c in t.csat if c.requested_at and utc_day(c.requested_at) == day]
            ratings = [
                c for t in group for c in t.csat if c.score is not None and c.rated_at and utc_day(c.rated_at) == day
            ]
            positive = sum(1 for c in ratings if c.score >= 4)
            rated_requests = sum(1 for c in requests if c.score is not None)
            reopened = sum(1 for t in solved if metrics[id(t)].reopen_count > 0)
            rows[(system, account, day)] = {
                "tickets_opened": len(opened),
                "tickets_solved": len(solved),
                "backlog_end_of_day": sum(
                    1 for t in group if utc_day(t.created_at) <= day and _state_at_end_of(t, day) == "open"
                ),
                "tickets_with_first_response": len(first_responses),
                "median_first_response_minutes": percentile_cont(first_responses, 0.5),
                "p90_first_response_minutes": percentile_cont(first_responses, 0.9),
                "median_resolution_minutes": percentile_cont(resolutions, 0.5),
                "tickets_solved_reopened": reopened,
                "reopen_rate_pct": 100.0 * reopened / len(solved) if solved else None,
                "csat_requests": len(requests),
                "csat_requests_rated": rated_requests,
                "csat_response_rate_pct": 100.0 * rated_requests / len(requests) if requests else None,
                "csat_ratings": len(ratings),
                "csat_positive_ratings": positive,
                "csat_pct": 100.0 * positive / len(ratings) if ratings else None,
            }
            day += timedelta(days=1)
    return rows
