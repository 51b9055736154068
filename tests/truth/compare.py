"""Compare the published marts with independent truth, exactly: counts equal, minutes to the millisecond,
timestamps as absolute instants (a time-zone shift fails), NULL never equal to 0."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb

from tests.truth import metrics, model

MINUTES = 1e-6  # a millisecond is 1.7e-5 minutes: anything above this tolerance is a real difference


def _rows(published: Path, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
    con = duckdb.connect(str(published), read_only=True)
    try:
        cursor = con.execute(sql, list(params))
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()


def _same(actual: Any, expected: Any, tolerance: float = MINUTES) -> bool:
    if expected is None or actual is None:
        return actual is None and expected is None
    if isinstance(expected, datetime):
        return isinstance(actual, datetime) and actual.astimezone(UTC) == expected.astimezone(UTC)
    if isinstance(expected, float) or isinstance(actual, float):
        return math.isclose(float(actual), float(expected), rel_tol=0, abs_tol=tolerance)
    return actual == expected


def _check(label: str, actual: dict[str, Any], expected: dict[str, Any], problems: list[str]) -> None:
    for name, value in expected.items():
        if not _same(actual.get(name), value):
            problems.append(f"{label} {name}: mart {actual.get(name)!r} != truth {value!r}")


def _sources(records: Iterable[Any]) -> set[tuple[str, str]]:
    return {(r.source_system, r.source_account) for r in records}


def assert_tickets_match(published: Path, tickets: list[model.Ticket]) -> None:
    """Every ticket of the truth's sources, live or deleted, and every per-ticket figure."""
    problems: list[str] = []
    sources = _sources(tickets)
    rows = {
        (r["source_system"], r["source_account"], r["ticket_id"]): r
        for r in _rows(published, "select * from fct_tickets")
        if (r["source_system"], r["source_account"]) in sources
    }
    live = {(t.source_system, t.source_account, t.ticket_id): t for t in tickets if not t.is_deleted}
    missing = sorted(set(live) - set(rows))
    if missing:
        problems.append(f"{len(missing)} live ticket(s) missing from fct_tickets, e.g. {missing[:3]}")
    unexpected_live = sorted(k for k, r in rows.items() if k not in live and not r["is_deleted"])
    if unexpected_live:
        problems.append(
            f"{len(unexpected_live)} ticket(s) in fct_tickets not live at the vendor: {unexpected_live[:3]}"
        )
    for key, ticket in live.items():
        row = rows.get(key)
        if row is None:
            continue
        m = metrics.ticket_metrics(ticket)
        expected = {
            "is_deleted": False,
            "created_at": ticket.created_at,
            "status_category": ticket.status_category,
            "first_response_at": m.first_response_at,
            "first_response_minutes": m.first_response_minutes,
            "resolved_at": m.resolved_at,
            "resolution_minutes": m.resolution_minutes,
            "reopen_count": m.reopen_count,
            "customer_message_count": m.customer_message_count,
            "agent_reply_count": m.agent_reply_count,
            "internal_note_count": m.internal_note_count,
            "bot_message_count": m.bot_message_count,
            "latest_csat_score": m.latest_csat_score,
        }
        _check(f"ticket {key}", row, expected, problems)
    assert not problems, "\n".join(problems[:25]) + (f"\n... {len(problems)} problems" if len(problems) > 25 else "")


def assert_events_match(published: Path, tickets: list[model.Ticket]) -> None:
    """Every event of every live ticket, with its canonical type and author kind."""
    sources = _sources(tickets)
    rows = {
        (r["source_system"], r["source_account"], r["ticket_id"], r["part_id"]): r
        for r in _rows(published, "select * from fct_ticket_events where not is_deleted")
        if (r["source_system"], r["source_account"]) in sources
    }
    expected = {
        (t.source_system, t.source_account, t.ticket_id, e.event_id): e
        for t in tickets
        if not t.is_deleted
        for e in t.events
    }
    assert set(rows) == set(expected), f"{len(set(rows) ^ set(expected))} events differ"
    wrong = [
        (key, rows[key]["event_type"], event.event_type, rows[key]["author_kind"], event.author_kind)
        for key, event in expected.items()
        if rows[key]["event_type"] != event.event_type
        or rows[key]["author_kind"] != event.author_kind
        or not _same(rows[key]["occurred_at"], event.occurred_at)
    ]
    assert not wrong, f"{len(wrong)} events typed differently, e.g. {wrong[:3]}"


def assert_csat_match(published: Path, tickets: list[model.Ticket]) -> None:
    """Every CSAT request of every live ticket: when requested and rated, the score and the credited agent."""
    sources = _sources(tickets)
    rows = {
        (r["source_system"], r["source_account"], r["request_id"]): r
        for r in _rows(published, "select * from fct_csat where not is_deleted")
        if (r["source_system"], r["source_account"]) in sources
    }
    expected = {
        (t.source_system, t.source_account, c.request_id): c for t in tickets if not t.is_deleted for c in t.csat
    }
    assert set(rows) == set(expected), f"{len(set(rows) ^ set(expected))} CSAT requests differ"
    problems: list[str] = []
    for key, request in expected.items():
        expected_row = {
            "requested_at": request.requested_at,
            "rated_at": request.rated_at,
            "score": request.score,
            "is_rated": request.score is not None,
        }
        if request.rated_agent_id is not None:
            expected_row["agent_id"] = request.rated_agent_id
        _check(f"csat {key}", rows[key], expected_row, problems)
    assert not problems, "\n".join(problems[:25])


def assert_support_daily_match(published: Path, tickets: list[model.Ticket]) -> None:
    """Every column of mart_support_daily, every day and source of the truth's sources."""
    sources = _sources(tickets)
    expected = metrics.support_daily(tickets)
    rows = {
        (r["source_system"], r["source_account"], r["date_day"]): r
        for r in _rows(published, "select * from mart_support_daily")
        if (r["source_system"], r["source_account"]) in sources
    }
    assert set(rows) == set(expected), (
        f"days differ: only in the mart {sorted(set(rows) - set(expected))[:3]}, "
        f"only in truth {sorted(set(expected) - set(rows))[:3]}"
    )
    problems: list[str] = []
    for key, figures in expected.items():
        _check(f"day {key}", rows[key], figures, problems)
    assert not problems, "\n".join(problems[:25]) + (f"\n... {len(problems)} problems" if len(problems) > 25 else "")


def assert_feedback_match(published: Path, feedback: list[model.Feedback]) -> None:
    """Every live feedback item: stage, votes, voters, MRR (NULL is not 0), merge target; and the demand mart."""
    problems: list[str] = []
    sources = _sources(feedback)
    rows = {
        (r["source_system"], r["source_account"], r["feedback_id"]): r
        for r in _rows(published, "select * from fct_feedback")
        if (r["source_system"], r["source_account"]) in sources
    }
    demand = {
        (r["source_system"], r["source_account"], r["feedback_id"]): r
        for r in _rows(published, "select * from mart_feature_demand")
        if (r["source_system"], r["source_account"]) in sources
    }
    live = {(f.source_system, f.source_account, f.feedback_id): f for f in feedback if not f.is_deleted}
    missing = sorted(set(live) - set(rows))
    if missing:
        problems.append(f"{len(missing)} live item(s) missing from fct_feedback, e.g. {missing[:3]}")
    unexpected = sorted(k for k, r in rows.items() if k not in live and not r["is_deleted"])
    if unexpected:
        problems.append(f"{len(unexpected)} item(s) in fct_feedback not live at the vendor: {unexpected[:3]}")
    for key, item in live.items():
        row = rows.get(key)
        if row is None:
            continue
        expected = {
            "is_deleted": False,
            "status_stage": item.status_stage,
            "vote_count": item.vote_count,
            "unique_voters": len(item.voter_ids) if item.voter_ids is not None else None,
            "voter_mrr": item.mrr,
        }
        if item.comment_count is not None:
            expected["comment_count"] = item.comment_count
        _check(f"feedback {key}", row, expected, problems)
        in_demand = key in demand
        if in_demand != (item.status_stage != "merged"):
            problems.append(f"feedback {key}: in mart_feature_demand {in_demand}, stage {item.status_stage}")
        elif in_demand:
            _check(f"demand {key}", demand[key], {k: expected[k] for k in ("vote_count", "voter_mrr")}, problems)
    deleted_in_demand = [k for k, r in rows.items() if r["is_deleted"] and k in demand]
    if deleted_in_demand:
        problems.append(f"deleted items in mart_feature_demand: {deleted_in_demand[:3]}")
    assert not problems, "\n".join(problems[:25]) + (f"\n... {len(problems)} problems" if len(problems) > 25 else "")


def utc_day(value: datetime) -> date:
    return value.astimezone(UTC).date()
