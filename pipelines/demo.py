"""The embedded default: sandbox APIs on localhost -> DuckDB -> marts -> analytics.duckdb -> summary. No keys.

The demo tells a story in time: a backfill, then 13 daily incremental runs with `as_of` one day apart and the
sandbox changing in between (new tickets and replies, votes cast and withdrawn, status changes, comments), so
trends have shape and every run exercises the incremental path.
"""

from __future__ import annotations

import random
import shutil
import time
from datetime import timedelta
from pathlib import Path

from pipelines.accounts import Account
from pipelines.jobs import transform_and_publish
from pipelines.runner import ProgressCallback, load_account
from pipelines.summary import RunSummary
from sandbox.featurebase import FeaturebaseApp, FeaturebaseWorkspace, generate_workspace
from sandbox.framework.server import SandboxServer

DEMO_WAREHOUSE = Path("data") / "demo" / "warehouse.duckdb"
DEMO_KEY = "fb_demo_key"
DAILY_RUNS = 13


def reset_demo_dir(warehouse: Path) -> None:
    """The demo starts from nothing each time; it only ever deletes its own warehouse, state and published file."""
    for path in warehouse.parent.glob("*"):
        if path.name.startswith((warehouse.stem, f".{warehouse.stem}", "analytics.duckdb", ".analytics.duckdb")):
            shutil.rmtree(path) if path.is_dir() else path.unlink()


def a_day_of_activity(workspace: FeaturebaseWorkspace, rng: random.Random) -> None:
    """What happens in a support and feedback workspace in a day, at the sandbox's clock."""
    workspace.advance(timedelta(days=1).total_seconds())
    workspace.add_tickets(rng.randint(3, 8))
    workspace.mutate_tickets(n=rng.randint(10, 20), seed=rng.randrange(1 << 30))
    workspace.add_votes(rng.randint(20, 45), seed=rng.randrange(1 << 30))
    workspace.remove_votes(rng.randint(2, 6), seed=rng.randrange(1 << 30))
    workspace.change_post_status(rng.randint(1, 3), seed=rng.randrange(1 << 30))
    workspace.add_comments(rng.randint(4, 10), seed=rng.randrange(1 << 30))


def run_demo(
    warehouse: Path,
    *,
    tickets: int = 500,
    seed: int = 7,
    days: int = DAILY_RUNS,
    progress: ProgressCallback | None = None,
) -> RunSummary:
    started = time.monotonic()
    reset_demo_dir(warehouse)
    workspace = generate_workspace(seed=seed, tickets=tickets, org_id="demo")
    app = FeaturebaseApp({DEMO_KEY: workspace})
    rng = random.Random(seed)
    summary = RunSummary()
    with SandboxServer(app) as server:
        account = Account("featurebase", "default", server.url, DEMO_KEY)
        for day in range(days + 1):
            if day:
                a_day_of_activity(workspace, rng)
            as_of = workspace.now
            result = load_account(account, warehouse, as_of=as_of, progress=progress)
            summary.loads.append(result)
            summary.runs.append(
                {
                    "run": "backfill" if day == 0 else f"day {day}",
                    "as_of": as_of.isoformat(),
                    "requests": result.requests.get("requests", 0),
                    "rows": sum(result.rows.values()),
                    "seconds": result.duration_s,
                    "ok": result.ok,
                }
            )
            if not result.ok:
                break
    if all(load.ok for load in summary.loads):
        if progress:
            progress("dbt", "transform", {})
        transform_and_publish(warehouse, summary)
    summary.duration_s = round(time.monotonic() - started, 3)
    return summary
