"""The main job: load every configured account -> dbt build -> publish -> summary. CLI and Prefect share it."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from pipelines.accounts import Account
from pipelines.build_plan import BuildPlan, forget_full_build, plan_build, remember_full_build
from pipelines.runner import ProgressCallback, load_accounts
from pipelines.summary import RunSummary, read_marts
from pipelines.transform import TransformError, run_dbt
from pipelines.warehouse import Warehouse, WarehouseError
from pipelines.warehouse.publish import refresh_freshness


def transform_and_publish(warehouse: Warehouse, summary: RunSummary, plan: BuildPlan | None = None) -> RunSummary:
    """dbt build (all of it, or what the plan selects) then publish; with nothing to build, only the published
    file's load freshness is refreshed. A failing build is recorded (not raised) so the loads' report still
    goes out, and the previously published file stays in place for the dashboards."""
    plan = plan or BuildPlan("full", reason="transform")
    summary.build = {"kind": plan.kind, "vendors": plan.vendors, "reason": plan.reason, "models": 0, "seconds": 0.0}
    try:
        if plan.kind == "none":
            published = refresh_freshness(warehouse)
            summary.published = str(published)
            summary.marts, summary.csat_pct, summary.csat_ratings = read_marts(published)
            return summary
        result = run_dbt(warehouse, extra_args=plan.dbt_args())
        if plan.kind == "full":
            remember_full_build(warehouse)
        published = warehouse.publish(result.warnings)
    except (TransformError, WarehouseError) as exc:
        forget_full_build(warehouse)
        summary.transform_error = str(exc)
        return summary
    summary.build.update(models=len(result.models_run), seconds=result.duration_s, models_run=result.models_run)
    summary.dbt_warnings = list(result.warnings)
    summary.published = str(published)
    summary.marts, summary.csat_pct, summary.csat_ratings = read_marts(published)
    return summary


def plan_for(warehouse: Warehouse, loads: list[Any], *, full: bool) -> BuildPlan:
    """The build this run needs: vendors whose accounts loaded new or changed rows (see pipelines/build_plan)."""
    return plan_build(warehouse, {load.vendor for load in loads if load.ok and load.rows}, full=full)


def refresh(
    accounts: list[Account],
    warehouse: Warehouse,
    *,
    full_refresh: bool = False,
    reconcile: bool = False,
    as_of: datetime | None = None,
    transform: bool = True,
    progress: ProgressCallback | None = None,
    lock_wait: float = 0.0,
    full_build: bool = False,
) -> RunSummary:
    """Load what loads, then transform and publish it even if some account failed (its error is reported).

    Holds the warehouse's writer lock throughout; raises `WarehouseBusy` if another run still holds it after
    `lock_wait` seconds.
    """
    started = time.monotonic()
    summary = RunSummary()
    with warehouse.lock(lock_wait):
        summary.loads = load_accounts(
            accounts,
            warehouse,
            full_refresh=full_refresh,
            reconcile=reconcile,
            as_of=as_of,
            progress=progress,
        )
        if transform and any(load.ok for load in summary.loads):
            plan = plan_for(warehouse, summary.loads, full=full_build or reconcile or full_refresh)
            if progress:
                progress("dbt", "transform" if plan.kind != "none" else "nothing to rebuild", {})
            transform_and_publish(warehouse, summary, plan)
    summary.duration_s = round(time.monotonic() - started, 3)
    return summary
