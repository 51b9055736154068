"""Featurebase stand-in: generated organisations served with the documented v2 tickets and feedback contracts."""

from sandbox.featurebase.app import FeaturebaseApp
from sandbox.featurebase.story import demo_day
from sandbox.featurebase.workspace import PART_TYPES, FeaturebaseWorkspace, generate_workspace
from sandbox.framework.vendor import SandboxVendor


def _generate(seed: int, scale: int, account_id: str) -> FeaturebaseWorkspace:
    return generate_workspace(seed=seed, tickets=scale or 500, org_id=account_id)


SANDBOX = SandboxVendor(
    name="featurebase",
    api_path="",
    demo_key="fb_sandbox_key",
    generate=_generate,
    app=FeaturebaseApp,
    demo_day=demo_day,
    demo_scale=500,
)

__all__ = ["PART_TYPES", "SANDBOX", "FeaturebaseApp", "FeaturebaseWorkspace", "generate_workspace"]
