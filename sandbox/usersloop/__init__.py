"""UsersLoop stand-in: generated products served with the documented API v2 (boards, feedback, roadmap, updates,
helpdesk), Laravel paginators in both shapes and the 60 requests/min limit."""

from sandbox.framework.vendor import SandboxVendor
from sandbox.usersloop.app import UsersLoopApp
from sandbox.usersloop.story import demo_day
from sandbox.usersloop.workspace import MUTATIONS, UsersLoopWorkspace, generate_workspace


def _generate(seed: int, scale: int, account_id: str) -> UsersLoopWorkspace:
    return generate_workspace(seed=seed, feedback=scale or 200, product_id=account_id)


SANDBOX = SandboxVendor(
    name="usersloop",
    api_path="/api/v2",
    demo_key="ul_sandbox_key",
    generate=_generate,
    app=UsersLoopApp,
    demo_day=demo_day,
    demo_scale=200,
    app_options={
        # The real limit (60 per minute) with the window scaled to 3 s: the demo still meets 429s and
        # Retry-After, but a full scan takes seconds, not minutes.
        "rate_limit_per_minute": 60,
        "rate_window_seconds": 3.0,
        # The demo serves every vendor under its name on one port (VendorMux); page URLs must carry the prefix.
        "public_url": "/usersloop",
    },
    # the client keeps to the same scaled allowance (60 per 3 s), or it would wait out the real minute
    client_settings={"rate_limit_per_minute": "60", "rate_window_seconds": "3"},
)

__all__ = ["MUTATIONS", "SANDBOX", "UsersLoopApp", "UsersLoopWorkspace", "generate_workspace"]
