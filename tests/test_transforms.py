"""dbt over real loads: marts equal the sandbox's truth, two accounts stay apart, metrics match a re-computation."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from pipelines.publish import publish
from pipelines.runner import load_account
from pipelines.transform import run_dbt
from sandbox.featurebase import generate_workspace
from tests.conftest import FB_KEY_B, FeaturebaseSandbox, query


def _ts(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _expected_metrics(ticket: dict) -> tuple[float | None, int]:
    """First agent reply (admin_msg, or email_msg by an admin) in minutes, and reopens, straight from the API."""
    created = _ts(ticket["createdAt"])
    first_reply = None
    reopens, last_state = 0, None
    for part in ticket["conversationParts"]:
        author_type = (part.get("author") or {}).get("type")
        is_reply = part["partType"] == "admin_msg" or (part["partType"] == "email_msg" and author_type == "admin")
        if first_reply is None and is_reply and _ts(part["createdAt"]) >= created:
            first_reply = (_ts(part["createdAt"]) - created).total_seconds() / 60
        if part["partType"] == "status" and part["status"] in ("open", "closed"):
            if part["status"] == "open" and last_state == "closed":
                reopens += 1
            last_state = part["status"]
    return first_reply, reopens


def test_marts_match_truth_for_two_accounts(fb_sandbox: FeaturebaseSandbox, warehouse: Path) -> None:
    other = generate_workspace(seed=99, tickets=120, org_id="org_b")
    fb_sandbox.app.orgs[FB_KEY_B] = other
    assert load_account(fb_sandbox.account("default"), warehouse).ok
    assert load_account(fb_sandbox.account("acme", FB_KEY_B), warehouse).ok

    run_dbt(warehouse)
    published = publish(warehouse)

    for account, workspace in (("default", fb_sandbox.workspace), ("acme", other)):
        truth = workspace.truth()
        tickets = {
            row[0]: row[1:]
            for row in query(
                published,
                "select ticket_id, status_id, ticket_number from fct_tickets where source_account = ?",
                [account],
            )
        }
        assert {t: v[0] for t, v in tickets.items()} == {t: v["status_id"] for t, v in truth["tickets"].items()}
        events = dict(
            query(
                published,
                "select ticket_id, count(*) from fct_ticket_events where source_account = ? group by 1",
                [account],
            )
        )
        assert events == {t: v["part_count"] for t, v in truth["tickets"].items() if v["part_count"]}
        scores = sorted(
            query(
                published,
                "select request_id, score from fct_csat where source_account = ? and score is not null",
                [account],
            )
        )
        assert scores == sorted((c["requestId"], c["score"]) for c in truth["csat"])
    keys = query(published, "select count(*), count(distinct ticket_key) from fct_tickets")[0]
    assert keys == (620, 620)

    # metrics re-computed in Python from what the API serves, for every ticket of the main account
    rows = query(
        published,
        "select ticket_number, first_response_minutes, reopen_count from fct_tickets where source_account = 'default'",
    )
    for number, minutes, reopens in rows:
        expected_minutes, expected_reopens = _expected_metrics(fb_sandbox.workspace.get_ticket(number))
        if expected_minutes is None:
            assert minutes is None, number
        else:
            assert abs(float(minutes) - expected_minutes) < 0.01, number
        assert reopens == expected_reopens, number
    csat = query(published, "select avg(case when is_positive then 1.0 else 0 end) from fct_csat where is_rated")[0][0]
    truth_scores = [c["score"] for c in fb_sandbox.workspace.truth()["csat"]] + [
        c["score"] for c in other.truth()["csat"]
    ]
    assert abs(float(csat) - sum(s >= 4 for s in truth_scores) / len(truth_scores)) < 1e-9
