"""Product7 stand-in: generated workspaces served with the documented v1 tickets and feedback contracts."""

from sandbox.framework.vendor import SandboxVendor
from sandbox.product7.app import Product7App, delete_ticket_recipe, touch_ticket_recipe
from sandbox.product7.story import demo_day
from sandbox.product7.workspace import (
    ACTIVITY_TYPES,
    AUTHOR_KINDS,
    HARD_CASES,
    Product7Workspace,
    generate_workspace,
)


def _generate(seed: int, scale: int, account_id: str) -> Product7Workspace:
    return generate_workspace(seed=seed, tickets=scale or 300, workspace_id=account_id)


SANDBOX = SandboxVendor(
    name="product7",
    api_path="",
    demo_key="p7_sandbox_key",
    generate=_generate,
    app=Product7App,
    demo_day=demo_day,
    demo_scale=300,
)

__all__ = [
    "ACTIVITY_TYPES",
    "AUTHOR_KINDS",
    "HARD_CASES",
    "SANDBOX",
    "Product7App",
    "Product7Workspace",
    "delete_ticket_recipe",
    "generate_workspace",
    "touch_ticket_recipe",
]
