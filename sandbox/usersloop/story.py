"""A day in a UsersLoop product, for the demo's story: votes, a few triage decisions, new ideas, roadmap progress
and, some days, a product update that tells customers what shipped."""

from __future__ import annotations

import random
from datetime import timedelta

from sandbox.usersloop.workspace import UsersLoopWorkspace


def demo_day(workspace: UsersLoopWorkspace, rng: random.Random) -> None:
    """One day of activity at the sandbox's clock (moved one day forward first).

    Every step takes its own seed from `rng`, so a demo replays identically for the same `rng`.
    """
    workspace.advance(timedelta(days=1).total_seconds())
    workspace.add_votes(rng.randint(15, 40), seed=rng.randrange(1 << 30))
    workspace.remove_votes(rng.randint(0, 3), seed=rng.randrange(1 << 30))
    workspace.add_comments(rng.randint(2, 8), seed=rng.randrange(1 << 30))
    workspace.add_feedback(rng.randint(1, 2), seed=rng.randrange(1 << 30))
    workspace.change_status(rng.randint(1, 2), seed=rng.randrange(1 << 30))
    workspace.move_board(1, seed=rng.randrange(1 << 30))
    workspace.change_roadmap(1, seed=rng.randrange(1 << 30))
    if rng.random() < 0.15:
        workspace.add_roadmap(1, seed=rng.randrange(1 << 30))
    if rng.random() < 0.3:
        workspace.publish_update(1, seed=rng.randrange(1 << 30))
    elif rng.random() < 0.2:
        workspace.add_update(1, seed=rng.randrange(1 << 30))
