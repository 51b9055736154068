"""The contract suite's view of FeedbackKit: its raw tables, its stand-in's truth and mutations."""

from __future__ import annotations

from typing import Any

from sandbox.feedbackkit import generate_workspace
from tests.support.warehouses import has_table, raw_query
from tests.truth import feedbackkit as truth
from tests.vendors.base import VendorDriver

LIST = "GET /api/v1/feedbacks"
COMMENTS = "GET /api/v1/feedbacks/{id}/comments"


def _stage(status: str | None, merged_into_id: str | None) -> str | None:
    return "merged" if merged_into_id else status


class FeedbackKitDriver(VendorDriver):
    def generate(self, seed: int, account_id: str) -> Any:
        return generate_workspace(seed=seed, feedbacks=self.scale, project_id=account_id)

    def mutate(self, workspace: Any, seed: int) -> None:
        workspace.advance(86_400)
        workspace.add_feedback(2, seed=seed)
        workspace.add_votes(20, seed=seed + 1)
        workspace.remove_votes(5, seed=seed + 2)
        workspace.change_mrr(3, seed=seed + 3)
        workspace.change_status(3, seed=seed + 4)
        workspace.add_comments(8, seed=seed + 5)
        workspace.merge_random(1, seed=seed + 6)
        self._delete(workspace, seed, 1)

    def delete_some(self, workspace: Any, seed: int) -> None:
        self._delete(workspace, seed, 2)

    @staticmethod
    def _delete(workspace: Any, seed: int, n: int) -> None:
        ids = sorted(workspace.truth()["feedbacks"])
        for i in range(n):
            workspace.delete_feedback(ids[(seed + 7 * i) % len(ids)])

    def no_change_requests(self, workspace: Any) -> dict[str, int]:
        return {LIST: 1}

    def inject_malformed(self, workspace: Any) -> int:
        return len(workspace.inject_malformed_feedback())

    def add_unknown_field(self, workspace: Any) -> tuple[str, str, int]:
        workspace.add_unknown_field("sentimentScore")
        return "feedbacks", "sentiment_score", len(workspace.truth()["feedbacks"])

    def raw_truth(self, workspace: Any) -> dict[str, Any]:
        state = workspace.truth()
        feedbacks = state["feedbacks"]
        return {
            "feedbacks": {
                fid: (f["voteCount"], f["totalMrr"], f["status"], f["commentCount"], f["mergedIntoId"])
                for fid, f in feedbacks.items()
            },
            "observed": {
                fid: (f["voteCount"], f["totalMrr"], _stage(f["status"], f["mergedIntoId"]))
                for fid, f in feedbacks.items()
            },
            "comments": {fid: sorted(ids) for fid, ids in state["comments"].items() if ids},
            "deleted": sorted(state["deleted"]),
        }

    def raw_loaded(self, warehouse: Any, account: str) -> dict[str, Any]:
        deleted: set[tuple[str, str]] = set()
        if has_table(warehouse, "feedbackkit", "deletions"):
            deleted = set(
                raw_query(warehouse, "select entity, id from feedbackkit.deletions where source_account = ?", [account])
            )
        feedbacks = {
            fid: (votes, mrr, status, comment_count, merged_into)
            for fid, votes, mrr, status, comment_count, merged_into in raw_query(
                warehouse,
                "select id, vote_count, total_mrr, status, comment_count, merged_into_id "
                "from feedbackkit.feedbacks where source_account = ?",
                [account],
            )
            if ("feedback", fid) not in deleted
        }
        latest: dict[str, tuple[Any, ...]] = {}
        for fid, observed_at, votes, mrr, stage in raw_query(
            warehouse,
            "select feedback_id, observed_at, vote_count, mrr, status_type from feedbackkit.vote_observations "
            "where source_account = ?",
            [account],
        ):
            if fid not in latest or observed_at > latest[fid][0]:
                latest[fid] = (observed_at, votes, mrr, stage)
        comments: dict[str, list[str]] = {}
        if has_table(warehouse, "feedbackkit", "comments"):
            for fid, cid in raw_query(
                warehouse, "select feedback_id, id from feedbackkit.comments where source_account = ?", [account]
            ):
                if fid in feedbacks and ("comment", cid) not in deleted:
                    comments.setdefault(fid, []).append(cid)
        return {
            "feedbacks": feedbacks,
            "observed": {fid: latest[fid][1:] if fid in latest else None for fid in feedbacks},
            "comments": {fid: sorted(ids) for fid, ids in comments.items()},
            "deleted": sorted(fid for entity, fid in deleted if entity == "feedback"),
        }

    def truth_feedback(self, workspace: Any, account: str) -> Any:
        return truth.feedback(workspace, account)


DRIVER = FeedbackKitDriver(
    name="feedbackkit",
    keys=("fk_test_key_a", "fk_test_key_b"),
    list_routes=frozenset({LIST}),
    detail_routes=frozenset({COMMENTS}),
)
