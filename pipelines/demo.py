"""The embedded default: sandbox APIs on localhost -> DuckDB -> marts -> analytics.duckdb -> summary. No keys.

The demo tells a story in time for every registered vendor: a backfill, then 13 daily incremental runs with
`as_of` one day apart while each stand-in changes in between (its own `demo_day`: new tickets and replies,
votes cast and withdrawn, status changes, comments, merges), so trends have shape and every run exercises the
incremental path. All stand-ins share one local port, one path prefix each.
"""

from __future__ import annotations

import os
import random
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pipelines.accounts import Account
from pipelines.errors import ConfigError
from pipelines.jobs import transform_and_publish
from pipelines.runner import ProgressCallback, load_accounts
from pipelines.summary import RunSummary
from pipelines.vendors import registered
from pipelines.warehouse import Warehouse
from sandbox.framework import SandboxServer, VendorMux
from sources.common.vendor import VendorSpec

DEMO_WAREHOUSE = Path("data") / "demo" / "warehouse.duckdb"
DAILY_RUNS = 13


def demo_vendors() -> dict[str, VendorSpec]:
    """Every registered vendor: each one's stand-in is part of the story."""
    return registered()


def marker_path(warehouse: Warehouse) -> Path:
    """Written when the demo creates a warehouse: the proof that the demo may delete it next time."""
    return warehouse.anchor.with_name(f".{warehouse.anchor.name}.demo")


def reset_demo_warehouse(warehouse: Warehouse, force: bool = False) -> None:
    """Remove the previous demo's files, and only those: the warehouse, its dlt state, dbt build dir and
    published file (never the lock file this run holds, never a sibling that merely shares the name). A
    warehouse the demo did not create is refused unless `force`."""
    marker = marker_path(warehouse)
    if warehouse.exists() and not marker.exists() and not force:
        raise ConfigError(
            f"{warehouse.anchor} exists and was not created by the demo. Fix: choose another --warehouse, "
            "or pass --force to replace it"
        )
    for path in warehouse.local_files():
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text("created by `feedback-warehouse demo`; the next demo run may replace this warehouse\n")


def sandbox_mux(
    vendors: dict[str, VendorSpec], *, seed: int, scale: int | None = None
) -> tuple[VendorMux, dict[str, Any]]:
    """One stand-in app per vendor (its demo account under its demo key) behind one mux; and the workspaces."""
    apps: dict[str, Any] = {}
    workspaces: dict[str, Any] = {}
    for name, spec in vendors.items():
        stand_in = spec.sandbox_vendor()
        workspace = stand_in.generate(seed, scale or stand_in.demo_scale, "demo")
        apps[name] = stand_in.app({stand_in.demo_key: workspace}, **(stand_in.app_options or {}))
        workspaces[name] = workspace
    return VendorMux(apps), workspaces


@contextmanager
def client_settings(vendors: dict[str, VendorSpec]) -> Iterator[None]:
    """The settings each stand-in asks its clients for (a scaled rate window), as env config for the demo's runs
    only; a user's own value wins."""
    previous: dict[str, str | None] = {}
    for spec in vendors.values():
        for name, value in (spec.sandbox_vendor().client_settings or {}).items():
            variable = f"{spec.env_prefix}__{name.upper()}"
            if variable not in os.environ:
                previous[variable] = None
                os.environ[variable] = value
    try:
        yield
    finally:
        for variable in previous:
            os.environ.pop(variable, None)


def run_demo(
    warehouse: Warehouse,
    *,
    scale: int | None = None,
    seed: int = 7,
    days: int = DAILY_RUNS,
    progress: ProgressCallback | None = None,
    force: bool = False,
) -> RunSummary:
    started = time.monotonic()
    reset_demo_warehouse(warehouse, force)
    vendors = demo_vendors()
    mux, workspaces = sandbox_mux(vendors, seed=seed, scale=scale)
    rng = random.Random(seed)
    summary = RunSummary()
    with SandboxServer(mux) as server, client_settings(vendors):
        accounts = [
            Account(name, "default", spec.sandbox_vendor().base_url(server.url), spec.sandbox_vendor().demo_key)
            for name, spec in vendors.items()
        ]
        for day in range(days + 1):
            run_name = "backfill" if day == 0 else f"day {day}"
            if day:
                for name, spec in vendors.items():
                    spec.sandbox_vendor().demo_day(workspaces[name], rng)
            if progress is not None and hasattr(progress, "context"):
                progress.context = run_name
            # every vendor's clock moved the same day: the run's logical time is the latest of them
            as_of = max(workspace.now for workspace in workspaces.values())
            results = load_accounts(accounts, warehouse, as_of=as_of, progress=progress)
            summary.loads.extend(results)
            summary.runs.append(
                {
                    "run": run_name,
                    "as_of": as_of.isoformat(),
                    "requests": sum(r.requests.get("requests", 0) for r in results),
                    "rows": sum(sum(r.rows.values()) for r in results),
                    "seconds": max((r.duration_s for r in results), default=0.0),  # accounts load at once
                    "ok": all(r.ok for r in results),
                }
            )
            if not all(r.ok for r in results):
                break
    if progress is not None and hasattr(progress, "context"):
        progress.context = ""
    if all(load.ok for load in summary.loads):
        if progress:
            progress("dbt", "transform", {})
        transform_and_publish(warehouse, summary)
    summary.duration_s = round(time.monotonic() - started, 3)
    return summary
