"""A day in a Featurebase organisation, for the demo's story: support traffic and feedback activity.

The day is spread over the clock as it is in a support team (new tickets in the morning, replies around noon,
resolutions and ratings in the afternoon), so no ticket is answered or resolved seconds after it was opened;
agents resolve about as many tickets as arrive, so the backlog moves both ways; customers answer CSAT requests
over the following days, so only the last couple of days' requests are still open.
"""

from __future__ import annotations

import random
from datetime import timedelta

from sandbox.featurebase.workspace import FeaturebaseWorkspace

HOUR = 3600.0


def demo_day(workspace: FeaturebaseWorkspace, rng: random.Random) -> None:
    """One day of support and feedback activity, ending exactly one day after it started."""
    seed = lambda: rng.randrange(1 << 30)  # noqa: E731
    day_ends = workspace.now + timedelta(days=1)
    workspace.advance(9 * HOUR)  # 09:00
    workspace.add_tickets(rng.randint(3, 8))
    workspace.advance(3 * HOUR)  # 12:00
    workspace.mutate_tickets(n=rng.randint(8, 14), seed=seed())
    workspace.add_votes(rng.randint(20, 45), seed=seed())
    workspace.remove_votes(rng.randint(2, 6), seed=seed())
    workspace.advance(4 * HOUR)  # 16:00
    workspace.close_tickets(rng.randint(6, 11), seed=seed())
    workspace.submit_pending_ratings(0.35, seed=seed())
    workspace.change_post_status(rng.randint(1, 3), seed=seed())
    workspace.add_comments(rng.randint(4, 10), seed=seed())
    # the day ends 24 h after it began, whatever the mutations' own 1-second ticks added
    workspace.advance(max(0.0, (day_ends - workspace.now).total_seconds()))
