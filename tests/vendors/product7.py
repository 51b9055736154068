"""The contract suite's view of Product7: its raw tables, its stand-in's truth and mutations."""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any

from sandbox.product7 import generate_workspace
from sandbox.product7.workspace import STAGES
from tests.support.warehouses import has_table, json_text, raw_query
from tests.truth import product7 as truth
from tests.vendors.base import VendorDriver

ME = "GET /api/v1/me"
MEMBERS = "GET /api/v1/workspace/members"
STATUSES = "GET /api/v1/ticket-statuses"
TICKETS = "GET /api/v1/tickets"
TICKET = "GET /api/v1/tickets/{uuid}"
FEEDBACK = "GET /api/v1/feedback"
FEEDBACK_PAGE = 100  # the source's `limit`


def _instant(value: Any) -> datetime:
    """The stand-in's ISO strings and the warehouse's aware datetimes as comparable instants."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(value.replace("Z", "+00:00"))


def _unknown_stage(workspace: Any) -> set[str]:
    """Tickets on the stand-in's deliberate undocumented stage (`on_hold`): the source of the expected warnings."""
    return {uuid for uuid, t in workspace.truth()["tickets"].items() if t["stage"] not in STAGES}


class Product7Driver(VendorDriver):
    def generate(self, seed: int, account_id: str) -> Any:
        return generate_workspace(seed=seed, tickets=self.scale, feedback=self.scale // 2, workspace_id=account_id)

    def mutate(self, workspace: Any, seed: int) -> None:
        """A day: new tickets, replies/notes/closes/reopens on some tickets, status changes, votes cast and
        withdrawn, feedback status changes, comments, a new item and a deleted item (a complete feedback scan
        notices that on any run). Tickets on the unknown stage are left alone: they are the expected warning."""
        on_hold = _unknown_stage(workspace)
        workspace.advance(86_400)
        workspace.add_tickets(3)
        rng = random.Random(seed)
        live = sorted(set(workspace.truth()["tickets"]) - on_hold)
        workspace.add_activity(uuids=rng.sample(live, 8), seed=seed)
        workspace.advance(3_600)
        workspace.change_ticket_status(3, seed=seed + 1)
        workspace.add_votes(25, seed=seed + 2)
        workspace.remove_votes(5, seed=seed + 3)
        workspace.change_feedback_status(2, seed=seed + 4)
        workspace.add_feedback_comments(4, seed=seed + 5)
        workspace.add_feedback(2, seed=seed + 6)
        feedback = sorted(workspace.truth()["feedback"])
        workspace.delete_feedback(feedback[seed % len(feedback)])
        assert _unknown_stage(workspace) == on_hold, "a mutation moved the on_hold ticket: pick other seeds"

    def delete_some(self, workspace: Any, seed: int) -> None:
        tickets = sorted(set(workspace.truth()["tickets"]) - _unknown_stage(workspace))
        workspace.delete_ticket(tickets[seed % len(tickets)])
        feedback = sorted(workspace.truth()["feedback"])
        workspace.delete_feedback(feedback[seed % len(feedback)])

    def no_change_requests(self, workspace: Any) -> dict[str, int]:
        feedback_pages = max(1, -(-workspace.truth()["feedback_count"] // FEEDBACK_PAGE))
        return {ME: 1, MEMBERS: 1, STATUSES: 1, TICKETS: 1, FEEDBACK: feedback_pages}

    def inject_malformed(self, workspace: Any) -> int:
        workspace.inject_malformed_tickets()  # one without uuid, one with an unparsable last_activity_at
        return 2

    def add_unknown_field(self, workspace: Any) -> tuple[str, str, int]:
        workspace.add_unknown_field("sentiment_score")
        return "tickets", "sentiment_score", len(workspace.add_activity(n=4, seed=5))

    def raw_truth(self, workspace: Any) -> dict[str, Any]:
        state = workspace.truth()
        return {
            "workspace": (state["workspace"]["id"], state["workspace"]["domain"]),
            "members": sorted(state["members"]),
            "statuses": {status_id: s["closes_ticket"] for status_id, s in state["statuses"].items()},
            "tickets": {
                uuid: (t["number"], t["status_id"], t["stage"], _instant(t["last_activity_at"]), t["activity_count"])
                for uuid, t in state["tickets"].items()
            },
            "activity_types": dict(state["activity_types"]),
            "feedback": {
                item_id: (f["vote_count"], f["comment_count"], f["status"]) for item_id, f in state["feedback"].items()
            },
            "observed_votes": {item_id: f["vote_count"] for item_id, f in state["feedback"].items()},
        }

    def raw_loaded(self, warehouse: Any, account: str) -> dict[str, Any]:
        deleted: set[tuple[str, str]] = set()
        if has_table(warehouse, "product7", "deletions"):
            deleted = set(
                raw_query(warehouse, "select entity, id from product7.deletions where source_account = ?", [account])
            )
        activities: dict[str, list[str]] = {}
        if has_table(warehouse, "product7", "ticket_activities"):
            for ticket_uuid, activity_type in raw_query(
                warehouse,
                "select ticket_uuid, type from product7.ticket_activities where source_account = ?",
                [account],
            ):
                activities.setdefault(ticket_uuid, []).append(activity_type)
        tickets = {
            uuid: (number, status_id, stage, _instant(last_activity_at), len(activities.get(uuid, [])))
            for uuid, number, status_id, stage, last_activity_at in raw_query(
                warehouse,
                "select uuid, number, status_id, stage, last_activity_at from ("
                f"select uuid, number, {json_text(warehouse, 'status', 'id')} as status_id, stage, last_activity_at "
                "from product7.tickets where source_account = ?) as t",
                [account],
            )
            if ("ticket", uuid) not in deleted
        }
        activity_types: dict[str, int] = {}
        for uuid in tickets:
            for activity_type in activities.get(uuid, []):
                activity_types[activity_type] = activity_types.get(activity_type, 0) + 1
        feedback = {
            item_id: (votes, comments, status)
            for item_id, votes, comments, status in raw_query(
                warehouse,
                "select id, vote_count, comment_count, status from product7.feedback where source_account = ?",
                [account],
            )
            if ("feedback", item_id) not in deleted
        }
        latest: dict[str, tuple[datetime, int]] = {}
        for item_id, observed_at, votes in raw_query(
            warehouse,
            "select feedback_id, observed_at, vote_count from product7.vote_observations where source_account = ?",
            [account],
        ):
            if item_id not in latest or observed_at > latest[item_id][0]:
                latest[item_id] = (observed_at, votes)
        [workspace] = raw_query(
            warehouse, "select id, domain from product7.workspace where source_account = ?", [account]
        )
        return {
            "workspace": tuple(workspace),
            "members": sorted(
                m
                for (m,) in raw_query(warehouse, "select id from product7.members where source_account = ?", [account])
            ),
            "statuses": dict(
                raw_query(
                    warehouse,
                    "select id, closes_ticket from product7.ticket_statuses where source_account = ?",
                    [account],
                )
            ),
            "tickets": tickets,
            "activity_types": activity_types,
            "feedback": feedback,
            "observed_votes": {item_id: latest[item_id][1] for item_id in feedback if item_id in latest},
        }

    def truth_tickets(self, workspace: Any, account: str) -> Any:
        return truth.tickets(workspace, account)

    def truth_feedback(self, workspace: Any, account: str) -> Any:
        return truth.feedback(workspace, account)


DRIVER = Product7Driver(
    name="product7",
    keys=("p7_test_key_a", "p7_test_key_b"),
    list_routes=frozenset({ME, MEMBERS, STATUSES, TICKETS, FEEDBACK}),
    detail_routes=frozenset({TICKET}),
    # the stand-in's deliberate undocumented stage (on_hold) has no row in ticket_status_categories
    expected_dbt_warnings=frozenset({"int_tickets_is_status_unmapped", "fct_tickets_is_status_unmapped"}),
)
