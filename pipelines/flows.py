"""Prefect flows wrapping the same job functions the CLI calls: load -> dbt build -> publish -> report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from pipelines.accounts import Account, configured_accounts
from pipelines.jobs import transform_and_publish
from pipelines.runner import LoadResult, load_account
from pipelines.summary import RunSummary
from pipelines.warehouse import resolve_warehouse


@task(name="load-account", task_run_name="load-{vendor}/{account_name}", cache_policy=NO_CACHE)
def load_account_task(vendor: str, account_name: str, warehouse: Path, full_refresh: bool = False) -> LoadResult:
    """One vendor account into the warehouse; a failing account returns its error instead of raising.

    Takes names, not the Account: task inputs are recorded by Prefect, and the key must never be.
    """
    logger = get_run_logger()
    account = _find_account(vendor, account_name)
    result = load_account(account, warehouse, full_refresh=full_refresh)
    if result.ok:
        logger.info(
            "%s: %s rows, %s quarantined, %s requests in %.1fs",
            result.label,
            sum(result.rows.values()),
            result.quarantined,
            result.requests.get("requests", 0),
            result.duration_s,
        )
    else:
        logger.error("%s", result.error)
    return result


def _find_account(vendor: str, name: str) -> Account:
    for account in configured_accounts([vendor]):
        if account.name == name:
            return account
    raise ValueError(f"{vendor}/{name} is no longer configured")


@task(name="transform-and-publish", cache_policy=NO_CACHE)
def transform_and_publish_task(warehouse: Path, summary: RunSummary) -> RunSummary:
    return transform_and_publish(warehouse, summary)


@flow(name="refresh", log_prints=False)
def refresh(
    vendors: list[str] | None = None,
    warehouse: str | None = None,
    full_refresh: bool = False,
) -> dict[str, Any]:
    """Load every configured vendor account, build the marts with dbt, publish analytics.duckdb.

    Keys are never flow parameters (Prefect stores parameters); they come from the worker's env vars or
    .dlt/secrets.toml, exactly as for the CLI.
    """
    logger = get_run_logger()
    path = resolve_warehouse(warehouse)
    chosen = configured_accounts(vendors)
    if not chosen:
        raise ValueError("no vendor account configured (set SOURCES__<VENDOR>__API_KEY)")
    summary = RunSummary()
    summary.loads = [load_account_task(a.vendor, a.name, path, full_refresh) for a in chosen]
    if any(load.ok for load in summary.loads):
        summary = transform_and_publish_task(path, summary)
    logger.info("marts: %s, CSAT %s%%", summary.marts, summary.csat_pct)
    failures = [load.error for load in summary.failed_loads]
    if summary.transform_error:
        failures.append(summary.transform_error)
    if failures:
        raise RuntimeError("refresh finished with failures: " + " | ".join(str(f) for f in failures))
    return summary.as_dict()
