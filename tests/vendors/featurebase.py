"""The contract suite's view of Featurebase: its raw tables, its stand-in's truth and mutations."""

from __future__ import annotations

import json
from typing import Any

from sandbox.featurebase import generate_workspace
from tests.support.warehouses import has_table, json_text, raw_query
from tests.truth import featurebase as truth
from tests.vendors.base import VendorDriver

TICKETS = "GET /v2/tickets"
POSTS = "GET /v2/posts"
COMMENTS = "GET /v2/comments"
LOOKUPS = ("GET /v2/tickets/statuses", "GET /v2/tickets/categories", "GET /v2/tickets/custom_fields", "GET /v2/boards")


class FeaturebaseDriver(VendorDriver):
    def generate(self, seed: int, account_id: str) -> Any:
        return generate_workspace(
            seed=seed, tickets=self.scale, org_id=account_id, posts=self.scale // 2, users=120, companies=30
        )

    def mutate(self, workspace: Any, seed: int) -> None:
        workspace.advance(86_400)
        workspace.add_tickets(3)
        workspace.mutate_tickets(n=8, seed=seed)
        workspace.close_tickets(3, seed=seed + 1)
        workspace.add_votes(25, seed=seed + 2)
        workspace.remove_votes(5, seed=seed + 3)
        workspace.change_post_status(2, seed=seed + 4)
        workspace.add_comments(6, seed=seed + 5)
        workspace.add_posts(2, seed=seed + 6)

    def delete_some(self, workspace: Any, seed: int) -> None:
        tickets = sorted(t["ticketNumber"] for t in workspace.truth()["tickets"].values())
        workspace.delete_ticket(tickets[seed % len(tickets)])
        posts = sorted(workspace.feedback.posts)
        workspace.delete_post(posts[seed % len(posts)])

    def no_change_requests(self, workspace: Any) -> dict[str, int]:
        return {TICKETS: 1, POSTS: 1, COMMENTS: 1, **dict.fromkeys(LOOKUPS, 1)}

    def inject_malformed(self, workspace: Any) -> int:
        workspace.inject_malformed_tickets()
        return 2

    def add_unknown_field(self, workspace: Any) -> tuple[str, str, int]:
        workspace.add_unknown_field("sentimentScore")
        return "tickets", "sentiment_score", len(workspace.mutate_tickets(n=4, seed=5))

    def raw_truth(self, workspace: Any) -> dict[str, Any]:
        state = workspace.truth()
        feedback = state["feedback"]
        return {
            "tickets": {t: (v["ticketNumber"], v["status_id"], v["part_count"]) for t, v in state["tickets"].items()},
            "csat": sorted((c["requestId"], c["score"]) for c in state["csat"]),
            "posts": {p: v["upvotes"] for p, v in feedback["posts"].items()},
            "voters": {p: sorted(v["voter_ids"]) for p, v in feedback["posts"].items()},
            "comments": set(feedback["comments"]),
        }

    def raw_loaded(self, warehouse: Any, account: str) -> dict[str, Any]:
        parts = dict(
            raw_query(
                warehouse,
                "select ticket_id, count(*) from featurebase.ticket_conversation_parts where source_account = ? "
                "group by ticket_id",
                [account],
            )
        )
        tickets = {
            ticket_id: (number, status_id, parts.get(ticket_id, 0))
            for ticket_id, number, status_id in raw_query(
                warehouse,
                "select id, ticket_number, status_id from ("
                f"select id, ticket_number, {json_text(warehouse, 'status', 'id')} as status_id "
                "from featurebase.tickets where source_account = ?) as t",
                [account],
            )
        }
        deleted = (
            {
                (entity, record_id)
                for entity, record_id in raw_query(
                    warehouse, "select entity, id from featurebase.deletions where source_account = ?", [account]
                )
            }
            if has_table(warehouse, "featurebase", "deletions")
            else set()
        )
        csat = sorted(
            (request_id, int(float(score)))
            for request_id, score in raw_query(
                warehouse,
                f"select {json_text(warehouse, 'csat', 'requestId')}, {json_text(warehouse, 'csat', 'score')} "
                "from featurebase.ticket_conversation_parts "
                "where source_account = ? and part_type = 'rating_submitted'",
                [account],
            )
        )
        latest = {}
        for post_id, observed_at, voter_ids in raw_query(
            warehouse,
            "select feedback_id, observed_at, cast(voter_ids as varchar) from featurebase.vote_observations "
            "where source_account = ?",
            [account],
        ):
            if post_id not in latest or observed_at > latest[post_id][0]:
                latest[post_id] = (observed_at, voter_ids)
        posts = {
            post_id: upvotes
            for post_id, upvotes in raw_query(
                warehouse, "select id, upvotes from featurebase.posts where source_account = ?", [account]
            )
            if ("post", post_id) not in deleted
        }
        return {
            "tickets": {t: v for t, v in tickets.items() if ("ticket", t) not in deleted},
            "csat": csat,
            "posts": posts,
            "voters": {p: sorted(json.loads(latest[p][1]) if latest.get(p) else []) for p in posts},
            "comments": {
                c
                for (c,) in raw_query(
                    warehouse, "select id from featurebase.comments where source_account = ?", [account]
                )
                if ("comment", c) not in deleted
            },
        }

    def truth_tickets(self, workspace: Any, account: str) -> Any:
        return truth.tickets(workspace, account)

    def truth_feedback(self, workspace: Any, account: str) -> Any:
        return truth.feedback(workspace, account)


DRIVER = FeaturebaseDriver(
    name="featurebase",
    keys=("fb_test_key_a", "fb_test_key_b"),
    list_routes=frozenset({TICKETS, POSTS, COMMENTS, *LOOKUPS}),
    detail_routes=frozenset({"GET /v2/tickets/{ticketNumber}", "GET /v2/posts/{id}/voters"}),
)
