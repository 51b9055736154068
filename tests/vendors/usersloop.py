"""The contract suite's view of UsersLoop: its raw tables, its stand-in's truth and mutations.

The stand-in's 60-a-minute limit is off here and so is the client's (`tests/test_usersloop.py` runs the limit,
scaled): the contract is about what is loaded and which requests are made, and an unlimited run of a contract
account takes a second instead of a minute.
"""

from __future__ import annotations

import json
import math
from typing import Any

from sandbox.usersloop import generate_workspace
from sources.usersloop import settings
from tests.support.warehouses import has_table, raw_query
from tests.truth import usersloop as truth
from tests.vendors.base import VendorDriver

API = "/api/v2"
BOARDS = f"GET {API}/boards"
FEEDBACK = f"GET {API}/feedback"
ROADMAP = f"GET {API}/roadmap"
UPDATES = f"GET {API}/updates"
CATEGORIES = f"GET {API}/helpdesk/categories"
ARTICLES = f"GET {API}/helpdesk/articles"
DETAILS = frozenset(f"{route}/{{id}}" for route in (FEEDBACK, ROADMAP, UPDATES, ARTICLES))


def _ids(value: Any) -> list[str]:
    """Ids of a JSON array of `{id, ...}` objects (a raw JSON column read as text)."""
    items = json.loads(value) if isinstance(value, str) else value or []
    return [str(item["id"]) for item in items]


class UsersLoopDriver(VendorDriver):
    def generate(self, seed: int, account_id: str) -> Any:
        return generate_workspace(seed=seed, feedback=self.scale, product_id=account_id)

    def mutate(self, workspace: Any, seed: int) -> None:
        workspace.advance(86_400)
        workspace.add_votes(25, seed=seed)
        workspace.remove_votes(5, seed=seed + 1)
        workspace.add_comments(6, seed=seed + 2)
        workspace.change_status(3, seed=seed + 3)
        workspace.move_board(4, seed=seed + 4)
        workspace.add_feedback(3, seed=seed + 5)
        workspace.change_roadmap(2, seed=seed + 6)
        workspace.add_roadmap(1, seed=seed + 7)
        workspace.add_update(1, seed=seed + 8)
        workspace.publish_update(1, seed=seed + 9)
        live = sorted(int(f) for f in workspace.truth()["feedback"])
        workspace.delete_feedback(live[seed % len(live)])

    def delete_some(self, workspace: Any, seed: int) -> None:
        state = workspace.truth()
        for kind, delete in (
            ("feedback", workspace.delete_feedback),
            ("roadmap", workspace.delete_roadmap),
            ("updates", workspace.delete_update),
        ):
            ids = sorted(int(i) for i in state[kind])
            delete(ids[seed % len(ids)])
        articles = sorted(int(i) for i in state["helpdesk"]["articles"])
        workspace.delete_article(articles[seed % len(articles)])

    def no_change_requests(self, workspace: Any) -> dict[str, int]:
        def pages(items: list[Any]) -> int:
            return max(1, math.ceil(len(items) / settings.PAGE_SIZE))

        return {
            BOARDS: 1,
            FEEDBACK: pages(workspace.list_feedback()),
            ROADMAP: pages(workspace.list_roadmap()),
            UPDATES: pages(workspace.list_updates()),
            CATEGORIES: 1,
            ARTICLES: pages(workspace.list_articles()),
        }

    def inject_malformed(self, workspace: Any) -> int:
        workspace.inject_malformed_feedback()
        return 2

    def add_unknown_field(self, workspace: Any) -> tuple[str, str, int]:
        workspace.add_unknown_field("sentiment_score")
        return "feedback", "sentiment_score", len(workspace.change_status(4, seed=5))

    def raw_truth(self, workspace: Any) -> dict[str, Any]:
        state = workspace.truth()
        helpdesk = state["helpdesk"]
        return {
            "boards": {b: v["name"] for b, v in state["boards"].items()},
            "feedback": {
                f: (
                    v["status"],
                    v["votes_count"],
                    v["comments_count"],
                    tuple(str(b) for b in v["board_ids"]),
                    tuple(sorted(str(t) for t in v["tag_ids"])),
                    str(v["account"]["id"]) if v["account"] else None,
                    v["account_user"]["email"] if v["account_user"] else None,
                )
                for f, v in state["feedback"].items()
            },
            "roadmap": {
                r: (v["status"], sorted(str(f) for f in v["feedback_ids"])) for r, v in state["roadmap"].items()
            },
            "updates": {
                u: (v["status"], sorted(str(f) for f in v["feedback_ids"]), sorted(str(r) for r in v["roadmap_ids"]))
                for u, v in state["updates"].items()
            },
            "categories": {c: v["name"] for c, v in helpdesk["categories"].items()},
            "articles": {
                a: (v["status"], str(v["category_id"]), sorted(str(t) for t in v["tag_ids"]))
                for a, v in helpdesk["articles"].items()
            },
        }

    def raw_loaded(self, warehouse: Any, account: str) -> dict[str, Any]:
        def rows(sql: str, table: str) -> list[tuple[Any, ...]]:
            if not has_table(warehouse, "usersloop", table):
                return []
            return raw_query(warehouse, sql.format(table=f"usersloop.{table}"), [account])

        deleted = {
            (entity, str(i))
            for entity, i in rows("select entity, id from {table} where source_account = ?", "deletions")
        }

        def live(entity: str, records: list[tuple[Any, ...]]) -> dict[str, tuple[Any, ...]]:
            return {str(r[0]): r[1:] for r in records if (entity, str(r[0])) not in deleted}

        boards = {
            str(f): tuple(sorted(_ids(b), key=int))
            for f, b in rows(
                "select feedback_id, cast(boards as varchar) from {table} where source_account = ?", "feedback_boards"
            )
        }
        details = {
            str(f): (
                tuple(sorted(_ids(tags))),
                str(json.loads(acct)["id"]) if acct else None,
                json.loads(user)["email"] if user else None,
            )
            for f, tags, acct, user in rows(
                "select feedback_id, cast(tags as varchar), cast(account as varchar), cast(account_user as varchar) "
                "from {table} where source_account = ?",
                "feedback_details",
            )
        }
        listed = "select id, status, votes_count, comments_count from {table} where source_account = ?"
        feedback = {
            f: (status, votes, comments, boards.get(f), *(details.get(f) or (None, None, None)))
            for f, (status, votes, comments) in live("feedback", rows(listed, "feedback")).items()
        }

        def linked(table: str, column: str, entity: str) -> dict[str, list[str]]:
            found = rows(f"select id, cast({column} as varchar) from {{table}} where source_account = ?", table)
            # a deleted record leaves its links in place until the linking item is saved again (the API cascades
            # the link away without moving updated_at): the deletion the warehouse recorded drops them
            return {str(i): sorted(x for x in _ids(v) if (entity, x) not in deleted) for i, v in found}

        roadmap_links = linked("roadmap_details", "feedback", "feedback")
        update_links = linked("update_details", "feedback", "feedback")
        update_roadmap = linked("update_details", "roadmap", "roadmap")
        article_tags = linked("helpdesk_article_details", "tags", "tag")
        select_status = "select id, status from {table} where source_account = ?"
        return {
            "boards": {
                b: name
                for b, (name,) in live(
                    "board", rows("select id, name from {table} where source_account = ?", "boards")
                ).items()
            },
            "feedback": feedback,
            "roadmap": {
                r: (status, roadmap_links.get(r, []))
                for r, (status,) in live("roadmap", rows(select_status, "roadmap")).items()
            },
            "updates": {
                u: (status, update_links.get(u, []), update_roadmap.get(u, []))
                for u, (status,) in live("update", rows(select_status, "updates")).items()
            },
            "categories": {
                c: name
                for c, (name,) in live(
                    "category", rows("select id, name from {table} where source_account = ?", "helpdesk_categories")
                ).items()
            },
            "articles": {
                a: (status, str(category), article_tags.get(a, []))
                for a, (status, category) in live(
                    "article",
                    rows("select id, status, category_id from {table} where source_account = ?", "helpdesk_articles"),
                ).items()
            },
        }

    def truth_feedback(self, workspace: Any, account: str) -> Any:
        return truth.feedback(workspace, account)


DRIVER = UsersLoopDriver(
    name="usersloop",
    keys=("ul_test_key_a", "ul_test_key_b"),
    list_routes=frozenset({BOARDS, FEEDBACK, ROADMAP, UPDATES, CATEGORIES, ARTICLES}),
    detail_routes=DETAILS,
    app_options={"rate_limit_per_minute": None},
    env={"SOURCES__USERSLOOP__RATE_LIMIT_PER_MINUTE": "0"},
)
