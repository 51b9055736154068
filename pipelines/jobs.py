"""The main job: load every configured account -> dbt build -> publish -> summary. CLI and Prefect share it."""

from __future__ import annotations

import time
from datetime import datetime

from pipelines.accounts import Account
from pipelines.runner import ProgressCallback, load_accounts
from pipelines.summary import RunSummary, read_marts
from pipelines.transform import TransformError, run_dbt
from pipelines.warehouse import Warehouse, WarehouseError


def transform_and_publish(warehouse: Warehouse, summary: RunSummary) -> RunSummary:
    """dbt build then publish; a failing build is recorded (not raised) so the loads' report still goes out,
    and the previously published file stays in place for the dashboards."""
    try:
        result = run_dbt(warehouse)
        published = warehouse.publish(result.warnings)
    except (TransformError, WarehouseError) as exc:
        summary.transform_error = str(exc)
        return summary
    summary.dbt_warnings = list(result.warnings)
    summary.published = str(published)
    summary.marts, summary.csat_pct, summary.csat_ratings = read_marts(published)
    return summary


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
            if progress:
                progress("dbt", "transform", {})
            transform_and_publish(warehouse, summary)
    summary.duration_s = round(time.monotonic() - started, 3)
    return summary
