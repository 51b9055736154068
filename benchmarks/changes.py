""" "A 1 % change" per vendor, applied through each stand-in's own mutations so the change looks like what the
vendor's users do between two hourly runs: `fraction` of the top-level records change (at least one each).

- featurebase: replies/closes/ratings on `fraction` of tickets, votes on `fraction` of posts, `fraction` more
  comments
- product7: the next activity on `fraction` of tickets, votes on `fraction` of feedback items
- feedbackkit: votes and comments on `fraction` of feedbacks
- usersloop: a status change on `fraction` of feedback items (moves `updated_at`: their details are re-read) and
  votes on `fraction` (votes never move `updated_at`)
"""

from __future__ import annotations

from typing import Any

from benchmarks.sandbox import Sandbox


def _share(total: int, fraction: float) -> int:
    return max(1, round(total * fraction))


def apply_change(sandbox: Sandbox, fraction: float, seed: int = 11) -> dict[str, Any]:
    """Change `fraction` of `sandbox`'s first account; returns what changed (counts, and ids where a minimum
    request count depends on them)."""
    records = sandbox.records
    if sandbox.vendor == "featurebase":
        tickets = sandbox.mutate("mutate_tickets", fraction=fraction, seed=seed)
        votes = sandbox.mutate("add_votes", n=_share(records["posts"], fraction), seed=seed + 1)
        comments = sandbox.mutate("add_comments", n=_share(records["comments"], fraction), seed=seed + 2)
        return {"tickets": len(tickets), "votes": len(votes), "comments": len(comments)}
    if sandbox.vendor == "product7":
        tickets = sandbox.mutate("add_activity", n=_share(records["tickets"], fraction), seed=seed)
        votes = sandbox.mutate("add_votes", n=_share(records["feedback"], fraction), seed=seed + 1)
        return {"tickets": len(set(tickets)), "votes": len(votes)}
    if sandbox.vendor == "feedbackkit":
        votes = sandbox.mutate("add_votes", n=_share(records["feedbacks"], fraction), seed=seed)
        comments = sandbox.mutate("add_comments", n=_share(records["feedbacks"], fraction), seed=seed + 1)
        return {"votes": len(votes), "comments": len(comments)}
    if sandbox.vendor == "usersloop":
        changed = sandbox.mutate("change_status", n=_share(records["feedback"], fraction), seed=seed)
        votes = sandbox.mutate("add_votes", n=_share(records["feedback"], fraction), seed=seed + 1)
        return {"status_changed": len(set(changed)), "votes": len(votes)}
    raise ValueError(f"no change defined for vendor {sandbox.vendor!r}")
