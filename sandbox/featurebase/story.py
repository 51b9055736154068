"""A day in a Featurebase organisation, for the demo's story: support traffic and feedback activity."""

from __future__ import annotations

import random
from datetime import timedelta

from sandbox.featurebase.workspace import FeaturebaseWorkspace


def demo_day(workspace: FeaturebaseWorkspace, rng: random.Random) -> None:
    """What happens in a support and feedback workspace in a day, at the sandbox's clock."""
    workspace.advance(timedelta(days=1).total_seconds())
    workspace.add_tickets(rng.randint(3, 8))
    workspace.mutate_tickets(n=rng.randint(10, 20), seed=rng.randrange(1 << 30))
    workspace.add_votes(rng.randint(20, 45), seed=rng.randrange(1 << 30))
    workspace.remove_votes(rng.randint(2, 6), seed=rng.randrange(1 << 30))
    workspace.change_post_status(rng.randint(1, 3), seed=rng.randrange(1 << 30))
    workspace.add_comments(rng.randint(4, 10), seed=rng.randrange(1 << 30))
