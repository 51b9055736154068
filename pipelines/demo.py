"""The embedded default: sandbox APIs on localhost -> DuckDB -> marts -> analytics.duckdb -> summary. No keys."""

from __future__ import annotations

import shutil
from pathlib import Path

from pipelines.accounts import Account
from pipelines.jobs import refresh
from pipelines.runner import ProgressCallback
from pipelines.summary import RunSummary
from sandbox.featurebase import FeaturebaseApp, generate_workspace
from sandbox.server import SandboxServer

DEMO_WAREHOUSE = Path("data") / "demo" / "warehouse.duckdb"
DEMO_KEY = "fb_demo_key"


def reset_demo_dir(warehouse: Path) -> None:
    """The demo starts from nothing each time; it only ever deletes its own warehouse, state and published file."""
    for path in warehouse.parent.glob("*"):
        if path.name.startswith((warehouse.stem, f".{warehouse.stem}", "analytics.duckdb", ".analytics.duckdb")):
            shutil.rmtree(path) if path.is_dir() else path.unlink()


def run_demo(
    warehouse: Path,
    *,
    tickets: int = 500,
    seed: int = 7,
    progress: ProgressCallback | None = None,
) -> RunSummary:
    reset_demo_dir(warehouse)
    workspace = generate_workspace(seed=seed, tickets=tickets, org_id="demo")
    app = FeaturebaseApp({DEMO_KEY: workspace})
    with SandboxServer(app) as server:
        account = Account("featurebase", "default", server.url, DEMO_KEY)
        return refresh([account], warehouse, progress=progress)
