"""A day in a FeedbackKit project, for the demo's story: votes come and go, MRR moves, statuses and comments
change, a duplicate is merged now and then, and a couple of new requests arrive."""

from __future__ import annotations

import random
from datetime import timedelta

from sandbox.feedbackkit.workspace import FeedbackKitWorkspace


def demo_day(workspace: FeedbackKitWorkspace, rng: random.Random) -> None:
    """What happens in an app's feedback board in a day, at the sandbox's clock (moved one day forward).

    Every mutation gets its own seed from `rng`, so a demo replays identically for the same `rng` seed.
    """
    workspace.advance(timedelta(days=1).total_seconds())
    workspace.add_feedback(rng.randint(1, 3), seed=rng.randrange(1 << 30))
    workspace.add_votes(rng.randint(15, 40), seed=rng.randrange(1 << 30))
    workspace.remove_votes(rng.randint(2, 6), seed=rng.randrange(1 << 30))
    workspace.change_mrr(rng.randint(1, 4), seed=rng.randrange(1 << 30))
    workspace.change_status(rng.randint(1, 2), seed=rng.randrange(1 << 30))
    workspace.add_comments(rng.randint(3, 9), seed=rng.randrange(1 << 30))
    if rng.random() < 0.3:
        workspace.merge_random(1, seed=rng.randrange(1 << 30))
