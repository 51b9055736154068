"""What a "record" is per vendor: the unit of every records/s figure, counted from the generated workspace's
ground truth (never from what a contender loaded), so every contender divides by the same number.

A record is an item the API serves as its own object: top-level items plus the children that come with them.
Derived rows (vote observations, deletions, load markers) and the small lookup lists re-read every run
(statuses, members, custom fields) are not records.

- featurebase: tickets + conversation parts + posts + votes (post-voter pairs) + comments
- product7: tickets + ticket activities + feedback items
- feedbackkit: feedbacks (merged ones included: the list serves them with `includeMerged=true`) + comments
- usersloop: boards + feedback + roadmap items + updates + helpdesk categories + helpdesk articles (a detail
  call enriches its list item, it is not another record)
"""

from __future__ import annotations

from typing import Any


def record_counts(vendor: str, workspace: Any) -> dict[str, int]:
    """Records per kind of one generated workspace (see the module docstring)."""
    if vendor == "featurebase":
        fb = workspace.feedback
        return {
            "tickets": len(workspace._tickets),
            "conversation_parts": sum(len(parts) for parts in workspace._parts.values()),
            "posts": len(fb.posts),
            "votes": sum(len(v) for v in fb.votes.values()),
            "comments": len(fb.comments),
        }
    truth = workspace.truth()
    if vendor == "product7":
        return {
            "tickets": truth["ticket_count"],
            "activities": truth["activity_count"],
            "feedback": truth["feedback_count"],
        }
    if vendor == "feedbackkit":
        feedbacks = truth["feedbacks"]
        return {
            "feedbacks": len(feedbacks),
            "comments": sum(len(ids) for fid, ids in truth["comments"].items() if fid in feedbacks),
        }
    if vendor == "usersloop":
        counts = truth["counts"]
        return {kind: counts[kind] for kind in ("boards", "feedback", "roadmap", "updates", "categories", "articles")}
    raise ValueError(f"no record definition for vendor {vendor!r}")
