"""Run vendor accounts' dlt sources into the warehouse (any engine), recovering whatever a crash left behind."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import dlt

from pipelines.accounts import Account
from pipelines.dlt_settings import configure_dlt
from pipelines.vendors import get_vendor
from pipelines.warehouse import Warehouse
from sources.common import state
from sources.common.errors import ApiError, SourceError
from sources.common.http import RequestStats
from sources.common.quarantine import QUARANTINE_TABLE
from sources.common.redact import Redactor

logger = logging.getLogger("feedback_warehouse.runner")

ProgressCallback = Callable[[str, str, dict[str, Any]], None]
#: one row per load run of an account, in its vendor's dataset: every load leaves a row that names its account,
#: so freshness per vendor and account (the data-health page) sees runs that found nothing new too
RUNS_TABLE = "runs"


@dataclass
class LoadResult:
    """What one account's load did: the run summary and Prefect artifacts are built from these."""

    vendor: str
    account: str
    rows: dict[str, int] = field(default_factory=dict)
    requests: dict[str, Any] = field(default_factory=dict)
    quarantined: int = 0
    recovered_packages: int = 0
    duration_s: float = 0.0
    error: str | None = None
    retryable: bool = False  # the error is transient (429/5xx/unreachable after the client's retries)

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def label(self) -> str:
        return f"{self.vendor}/{self.account}"


def make_pipeline(account: Account, warehouse: Warehouse) -> dlt.Pipeline:
    configure_dlt()
    return dlt.pipeline(
        pipeline_name=account.pipeline_name,
        destination=warehouse.dlt_destination(),
        dataset_name=get_vendor(account.vendor).dataset,
        pipelines_dir=str(warehouse.state_dir),
    )


def _source_error(exc: BaseException) -> SourceError | None:
    """dlt wraps what a source raises in PipelineStepFailed; find our own one-line error inside."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, SourceError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def _reset_incremental_state(pipeline: dlt.Pipeline, vendor: str) -> None:
    """A full refresh of one account: forget its cursors and the signatures that gate detail calls. Rows are
    merged, so re-reading is safe, and the other accounts sharing the vendor's tables are untouched (dlt's own
    refresh would drop their data)."""
    with pipeline.managed_state(extract_state=True) as pipeline_state:
        source_state = pipeline_state.get("sources", {}).get(vendor, {})
        state.forget(source_state)
        for resource_state in source_state.get("resources", {}).values():
            resource_state.pop("incremental", None)


def _run_marker(account: Account, as_of: datetime, reconcile: bool, full_refresh: bool) -> Any:
    def runs() -> Any:
        yield {
            "source_account": account.name,
            "started_at": datetime.now(UTC),
            "as_of": as_of,
            "reconcile": reconcile,
            "full_refresh": full_refresh,
        }

    return dlt.resource(runs, name=RUNS_TABLE, write_disposition="append")


def _extracted_rows(extract_info: Any) -> dict[str, int]:
    """Rows per table of this run, from the extract step's writer metrics.

    Why not normalize's row counts: dlt's CSV writer (the PostgreSQL loader format) counts the fields of each
    row instead of rows (a 150-post load reported 2,872 posts); extraction writes jsonl or parquet, whose counts
    are right, and normalize neither drops nor adds rows here (max_table_nesting=0, no child tables)."""
    counts: dict[str, int] = {}
    for entries in (extract_info.metrics if extract_info else {}).values():
        for entry in entries:
            for table, metrics in entry.get("table_metrics", {}).items():
                counts[table] = counts.get(table, 0) + metrics.items_count
    return counts


def is_transient(error: SourceError | None) -> bool:
    """Worth another attempt later: rate limited, server errors, unreachable. Never a rejected key (401/402/403),
    a bad request or a missing resource, and never an unexpected exception (a bug does not fix itself)."""
    if not isinstance(error, ApiError):
        return False
    return error.status is None or error.status == 429 or error.status >= 500


def load_account(
    account: Account,
    warehouse: Warehouse,
    *,
    full_refresh: bool = False,
    reconcile: bool = False,
    as_of: datetime | None = None,
    progress: ProgressCallback | None = None,
    prepare: bool = True,
) -> LoadResult:
    """Extract, normalize and load one account; never raises for source errors (they land in `error`).

    `reconcile` asks the source for full scans that record deletions; `as_of` is the run's logical time
    (stamped on vote observations), the Prefect flow passes its scheduled time. Safe to call from several
    threads at once: extraction and normalization run in parallel, the load step takes the warehouse's load slot
    (DuckDB has one writer; PostgreSQL loads different vendors in parallel).
    """
    notify = progress or (lambda *_: None)
    started = time.monotonic()
    result = LoadResult(vendor=account.vendor, account=account.name)
    stats = RequestStats()
    stats.listeners.append(lambda s: notify(account.label, "requests", s.progress()))
    if prepare:
        warehouse.prepare_for_load()
    pipeline = make_pipeline(account, warehouse)
    slot = warehouse.load_slot(get_vendor(account.vendor).dataset)
    try:
        # dlt's run() loads pending packages and then *skips* the new data; we want both, so recover first.
        if pipeline.has_pending_data:
            result.recovered_packages = len(pipeline.list_extracted_load_packages()) + len(
                pipeline.list_normalized_load_packages()
            )
            notify(account.label, "recover", {"packages": result.recovered_packages})
            pipeline.normalize()
            with slot:
                pipeline.load()
        if full_refresh:
            _reset_incremental_state(pipeline, account.vendor)
        source = get_vendor(account.vendor).source_factory()(
            api_key=account.api_key,
            base_url=account.base_url,
            account=account.name,
            request_stats=stats,
            reconcile=reconcile,
            as_of=(as_of or datetime.now(UTC)).isoformat(),
        )
        source.resources.add(_run_marker(account, as_of or datetime.now(UTC), reconcile, full_refresh))
        notify(account.label, "extract", {})
        extract_info = pipeline.extract(source, loader_file_format=warehouse.loader_file_format)
        notify(account.label, "normalize", {"requests": stats.total})
        pipeline.normalize()
        with slot:
            notify(account.label, "load", {})
            pipeline.load()
        counts = _extracted_rows(extract_info)
        result.rows = {t: n for t, n in sorted(counts.items()) if not t.startswith("_dlt") and t != RUNS_TABLE}
        result.quarantined = result.rows.pop(QUARANTINE_TABLE, 0)
    except Exception as exc:  # one account failing must not stop the others
        own = _source_error(exc)
        message = own.one_line() if own else f"{account.label}: {type(exc).__name__}: {exc}"
        result.error = Redactor([account.api_key])(message)
        result.retryable = is_transient(own)
        if own is None:
            logger.exception("load of %s failed", account.label)
    finally:
        result.requests = stats.as_dict()
        result.duration_s = round(time.monotonic() - started, 3)
        notify(account.label, "done", {"ok": result.ok, "requests": stats.total})
    return result


def load_accounts(
    accounts: list[Account],
    warehouse: Warehouse,
    *,
    full_refresh: bool = False,
    reconcile: bool = False,
    as_of: datetime | None = None,
    progress: ProgressCallback | None = None,
    concurrency: int | None = None,
) -> list[LoadResult]:
    """Every account at once (extractions overlap; loads take turns where the engine needs it): a run takes
    about as long as its slowest account, and a failing or slow account never holds back the others' data.
    Results come back in the accounts' order."""
    as_of = as_of or datetime.now(UTC)  # one logical time for every account of the run
    warehouse.prepare_for_load()  # once, before any account's pipeline exists
    workers = max(1, min(len(accounts), concurrency or account_concurrency()))
    if workers == 1:
        return [
            load_account(a, warehouse, full_refresh=full_refresh, reconcile=reconcile, as_of=as_of,
                         progress=progress, prepare=False)
            for a in accounts
        ]  # fmt: skip
    from concurrent.futures import ThreadPoolExecutor

    # pyarrow imports pandas on its first array, and dlt looks pandas up in sys.modules without the import
    # lock: an account thread could see another's half-imported module ("partially initialized module
    # 'pandas' has no attribute 'DataFrame'"). Imported once here, before any account thread exists.
    import pandas  # noqa: F401

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="account") as pool:
        futures = [
            pool.submit(
                load_account, a, warehouse, full_refresh=full_refresh, reconcile=reconcile, as_of=as_of,
                progress=progress, prepare=False,
            )
            for a in accounts
        ]  # fmt: skip
        return [future.result() for future in futures]


CONCURRENCY_ENV = "FEEDBACK_WAREHOUSE_ACCOUNT_CONCURRENCY"


def account_concurrency() -> int:
    """How many accounts load at once (FEEDBACK_WAREHOUSE_ACCOUNT_CONCURRENCY, default 8): extraction waits on the
    network and on rate limits, so more accounts than cores overlap well."""
    import os

    try:
        return max(1, int(os.environ.get(CONCURRENCY_ENV, "8")))
    except ValueError:
        return 8
