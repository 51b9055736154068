"""FeedbackKit stand-in: generated projects served with the documented `/api/v1` feedback, vote and comment
contract (one plain array of feedback sorted by votes, merges, voter MRR, `{"error": true, "reason"}` errors)."""

from sandbox.feedbackkit.app import FeedbackKitApp
from sandbox.feedbackkit.story import demo_day
from sandbox.feedbackkit.workspace import (
    CATEGORIES,
    MUTATIONS,
    STATUSES,
    FeedbackKitWorkspace,
    generate_workspace,
)
from sandbox.framework.vendor import SandboxVendor


def _generate(seed: int, scale: int, account_id: str) -> FeedbackKitWorkspace:
    return generate_workspace(seed=seed, feedbacks=scale or 400, project_id=account_id)


SANDBOX = SandboxVendor(
    name="feedbackkit",
    api_path="/api/v1",
    demo_key="fk_sandbox_key",
    generate=_generate,
    app=FeedbackKitApp,
    demo_day=demo_day,
    demo_scale=400,
)

__all__ = [
    "CATEGORIES",
    "MUTATIONS",
    "SANDBOX",
    "STATUSES",
    "FeedbackKitApp",
    "FeedbackKitWorkspace",
    "demo_day",
    "generate_workspace",
]
