"""A day in a Product7 workspace, for the demo's story: support traffic on tickets and feedback activity.

The day is spread over its hours (the clock moves between steps), so a ticket opened in the morning is answered
hours later and never resolved seconds after it was created. Product7 has no CSAT: nothing is rated.
"""

from __future__ import annotations

import random

from sandbox.product7.workspace import Product7Workspace

HOUR_S = 3600.0


def demo_day(workspace: Product7Workspace, rng: random.Random) -> None:
    """What happens in a support and feedback workspace in a day, at the sandbox's clock (one day later)."""
    workspace.advance(8 * HOUR_S)  # overnight: nothing happens
    # first thing in the morning, support picks up tickets parked on a stage the workflow does not know (the
    # generated `on_hold` hard case), so the demo's marts end with every status mapped and its build warns about
    # nothing; the contract tests keep the unmapped case, where the warning is expected
    parked = workspace.hard_cases()["unknown_stage"]
    if parked:
        workspace.add_activity(uuids=parked)
    workspace.add_tickets(rng.randint(3, 8))
    workspace.add_votes(rng.randint(15, 35), seed=rng.randrange(1 << 30))
    workspace.advance(3 * HOUR_S)
    workspace.add_activity(n=rng.randint(10, 20), seed=rng.randrange(1 << 30))
    workspace.remove_votes(rng.randint(1, 5), seed=rng.randrange(1 << 30))
    workspace.advance(4 * HOUR_S)
    workspace.change_ticket_status(rng.randint(1, 3), seed=rng.randrange(1 << 30))
    workspace.change_feedback_status(rng.randint(1, 2), seed=rng.randrange(1 << 30))
    workspace.add_feedback_comments(rng.randint(2, 6), seed=rng.randrange(1 << 30))
    workspace.advance(3 * HOUR_S)
    workspace.add_activity(n=rng.randint(5, 10), seed=rng.randrange(1 << 30))
    workspace.add_feedback(1, seed=rng.randrange(1 << 30))
    workspace.advance(6 * HOUR_S)
