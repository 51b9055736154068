"""Prefect flows wrapping the same job functions the CLI calls: load each account -> dbt build -> publish -> report.

`refresh` (hourly) loads incrementally; `reconcile` (nightly) runs full scans that catch edits the cursors cannot
see and record deletions. Both are declared as deployments in prefect.yaml and served locally by
`feedback-warehouse schedule`. Keys are never parameters or task inputs (Prefect records both): tasks receive
vendor and account names and read the key from the environment, .dlt/secrets.toml or Prefect Secret blocks.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.states import Failed, State

from pipelines.accounts import Account, configured_accounts
from pipelines.jobs import plan_for, transform_and_publish
from pipelines.reporting import freshness, headline_markdown, headline_metrics, load_rows
from pipelines.runner import LoadResult, load_account
from pipelines.summary import RunSummary
from pipelines.vendors import VENDOR_NAMES
from pipelines.warehouse import open_warehouse
from sources.common.redact import Redactor

# Task retries are for transient failures only (429/5xx/unreachable after the HTTP client's own retries).
# Tests shorten the delays by patching RETRY_DELAY_SECONDS; it is read when the flow runs.
TASK_RETRIES = 3
RETRY_DELAY_SECONDS: list[float] = [5, 15, 60]
# A flow run that finds another writer (a CLI run) waits this long for it before giving up.
FLOW_LOCK_WAIT_SECONDS = 3 * 3600
PROGRESS_LOG_SECONDS = 10.0
DEFAULT_TIMEZONE = "UTC"
CAPTURED_LOGGERS = ("dlt", "feedback_warehouse")


@dataclass(frozen=True)
class DeploymentSpec:
    """One scheduled deployment; prefect.yaml declares the same ones (a test keeps the two in step)."""

    name: str
    flow_name: str
    cron: str
    description: str
    tags: tuple[str, ...]


DEPLOYMENTS = (
    DeploymentSpec(
        "hourly-refresh",
        "refresh",
        "0 * * * *",
        "Incremental load of every configured vendor account, then dbt build, publish and run report.",
        ("feedback-warehouse", "refresh"),
    ),
    DeploymentSpec(
        "nightly-reconcile",
        "reconcile",
        "30 2 * * *",
        "Full scans of every configured vendor account (edits cursors cannot see, deletions), then dbt build, "
        "publish and run report.",
        ("feedback-warehouse", "reconcile"),
    ),
)


class TransientLoadError(Exception):
    """An account's load failed in a way worth retrying; carries its LoadResult (requests, partial rows)."""

    def __init__(self, result: LoadResult) -> None:
        self.result = result
        super().__init__(result.error)


def _retry_only_transient(task: Any, task_run: Any, state: State) -> bool:
    """Prefect's retry_condition_fn: a rejected key (401/402/403) or a bad request is never retried."""
    try:
        state.result()
    except TransientLoadError:
        return True
    except Exception:
        return False
    return False


# -- logs ------------------------------------------------------------------------------------------------
class RedactSecrets(logging.Filter):
    """Replaces every configured API key (as a whole token) in a record's message and traceback with ***."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.redact = Redactor(secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.redact:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is logging's problem, not ours
            return True
        redacted = self.redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        return True


class _StampFlowRun(logging.Filter):
    """dlt and our HTTP client log from worker threads, outside Prefect's run context: name the run for them."""

    def __init__(self, flow_run_id: str | None) -> None:
        super().__init__()
        self.flow_run_id = flow_run_id

    def filter(self, record: logging.LogRecord) -> bool:
        if self.flow_run_id and not getattr(record, "flow_run_id", None):
            record.flow_run_id = self.flow_run_id
        return True


def _prefect_handlers() -> list[logging.Handler]:
    handlers: list[logging.Handler] = []
    for name in ("", "prefect", "prefect.flow_runs", "prefect.task_runs", *CAPTURED_LOGGERS):
        for handler in logging.getLogger(name).handlers:
            if handler not in handlers:
                handlers.append(handler)
    return handlers


@contextmanager
def run_logs(secrets: list[str]) -> Iterator[None]:
    """dlt's and our loggers go to the Prefect run's logs; every configured key is redacted on every handler."""
    from prefect.logging.handlers import APILogHandler
    from prefect.runtime import flow_run

    redact = RedactSecrets(secrets)
    api = APILogHandler()
    api.setLevel(logging.INFO)
    api.addFilter(_StampFlowRun(flow_run.id))
    api.addFilter(redact)
    filtered = _prefect_handlers()
    for handler in filtered:
        handler.addFilter(redact)
    levels = {}
    for name in CAPTURED_LOGGERS:
        captured = logging.getLogger(name)
        captured.addHandler(api)
        levels[name] = captured.level
        if captured.level == logging.NOTSET:
            captured.setLevel(logging.INFO)
    try:
        yield
    finally:
        for name in CAPTURED_LOGGERS:
            captured = logging.getLogger(name)
            captured.removeHandler(api)
            captured.setLevel(levels[name])
        for handler in filtered:
            handler.removeFilter(redact)


# -- keys from Prefect Secret blocks ------------------------------------------------------------------------
def export_secret_blocks(vendors: list[str] | None = None) -> list[str]:
    """Prefect Secret blocks named `<vendor>-api-key` (default account) or `<vendor>-<account>-api-key` become the
    env vars the accounts are read from, in this process only, unless that env var is already set.

    Returns the env var names set (never the values). No Secret blocks, no change.
    """
    from prefect.client.orchestration import get_client

    wanted = list(vendors or VENDOR_NAMES)
    with get_client(sync_client=True) as client:
        try:
            documents = client.read_block_documents_by_type("secret", include_secrets=True)
        except Exception:  # no Secret block type registered yet: nothing to export
            return []
    exported = []
    for document in documents:
        name = document.name or ""
        value = (document.data or {}).get("value")
        if not value or not name.endswith("-api-key"):
            continue
        for vendor in wanted:
            if name == f"{vendor}-api-key":
                env = f"SOURCES__{vendor.upper()}__API_KEY"
            elif name.startswith(f"{vendor}-"):
                account = name[len(vendor) + 1 : -len("-api-key")]
                env = f"SOURCES__{vendor.upper()}__ACCOUNTS__{account.upper()}__API_KEY"
            else:
                continue
            if env not in os.environ:
                secret = value.get_secret_value() if hasattr(value, "get_secret_value") else str(value)
                os.environ[env] = secret
                exported.append(env)
    return exported


# -- tasks ------------------------------------------------------------------------------------------------
def _find_account(vendor: str, name: str) -> Account:
    for account in configured_accounts([vendor]):
        if account.name == name:
            return account
    raise ValueError(f"{vendor}/{name} is no longer configured")


class _ProgressLog:
    """Request progress in the run's logs: done / planned and the time left at the vendor's allowance, at most
    every PROGRESS_LOG_SECONDS (a rate-limited vendor's run is minutes long; its log must not be silent)."""

    def __init__(self, logger: Any) -> None:
        self.logger = logger
        self.last = 0.0

    def __call__(self, label: str, phase: str, info: dict[str, Any]) -> None:
        import time

        if phase != "requests" or not info.get("planned"):
            return
        now = time.monotonic()
        if now - self.last < PROGRESS_LOG_SECONDS and info["requests"] < info["planned"]:
            return
        self.last = now
        left = info.get("seconds_left")
        eta = f", ~{left / 60:.1f} min left at the vendor's allowance" if left else ""
        self.logger.info("%s: %s/%s requests%s", label, f"{info['requests']:,}", f"{info['planned']:,}", eta)


@task(
    name="load-account",
    task_run_name="load-{vendor}/{account_name}",
    retries=TASK_RETRIES,
    retry_delay_seconds=RETRY_DELAY_SECONDS,
    retry_condition_fn=_retry_only_transient,
    cache_policy=NO_CACHE,
)
def load_account_task(
    vendor: str,
    account_name: str,
    warehouse: str,
    full_refresh: bool = False,
    reconcile: bool = False,
    as_of: datetime | None = None,
    engine: str | None = None,
) -> LoadResult:
    """One vendor account into the warehouse. Raises TransientLoadError (retried) on a transient failure; any
    other failure is returned in the LoadResult, so the flow goes on with the other accounts."""
    logger = get_run_logger()
    account = _find_account(vendor, account_name)
    target = open_warehouse(warehouse, engine)
    result = load_account(
        account,
        target,
        full_refresh=full_refresh,
        reconcile=reconcile,
        as_of=as_of,
        progress=_ProgressLog(logger),
        prepare=False,
    )
    if result.ok:
        logger.info(
            "%s: %s rows, %s quarantined, %s requests in %.1fs",
            result.label,
            sum(result.rows.values()),
            result.quarantined,
            result.requests.get("requests", 0),
            result.duration_s,
        )
    elif result.retryable:
        logger.warning("%s (transient, may be retried)", result.error)
        raise TransientLoadError(result)
    else:
        logger.error("%s (not retried)", result.error)
    return result


@task(name="transform-and-publish", cache_policy=NO_CACHE)
def transform_and_publish_task(
    warehouse: str, summary: RunSummary, engine: str | None = None, full: bool = False
) -> RunSummary:
    """The build the run needs (nothing, the changed vendors' models, or everything: pipelines/build_plan)."""
    target = open_warehouse(warehouse, engine)
    plan = plan_for(target, summary.loads, full=full)
    get_run_logger().info("dbt: %s build (%s)", plan.kind, plan.reason)
    return transform_and_publish(target, summary, plan)


@task(name="report", cache_policy=NO_CACHE)
def report_task(title: str, key: str, warehouse: str, summary: RunSummary, engine: str | None = None) -> dict[str, Any]:
    """A table artifact (loads per vendor, account and table; freshness) and a markdown artifact (headline)."""
    target = open_warehouse(warehouse, engine)
    fresh = freshness(target, sorted({load.vendor for load in summary.loads}))
    headline = headline_metrics(target.published_path)
    rows = load_rows(summary, fresh)
    create_table_artifact(table=rows, key=f"{key}-loads", description=f"{title}: rows loaded per vendor and table")
    markdown = headline_markdown(title, summary, headline, fresh)
    create_markdown_artifact(markdown=markdown, key=f"{key}-headline", description=f"{title}: headline metrics")
    return {"rows": rows, "markdown": markdown, "freshness": fresh}


def _load_result(state: State, account: Account) -> LoadResult:
    if state.is_completed():
        return state.result()
    error = state.result(raise_on_failure=False)
    if isinstance(error, TransientLoadError):
        return error.result
    message = f"{account.label}: {state.message or type(error).__name__}"
    return LoadResult(vendor=account.vendor, account=account.name, error=Redactor([account.api_key])(message))


def _as_of(value: datetime | None) -> datetime:
    """The run's logical time: the given one, else the flow run's scheduled start, else now (UTC)."""
    if value is None:
        from prefect.runtime import flow_run

        value = flow_run.scheduled_start_time or datetime.now(UTC)
    value = datetime.fromisoformat(str(value)) if not isinstance(value, datetime) else value
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _run(
    title: str,
    vendors: list[str] | None,
    warehouse: str | None,
    full_refresh: bool,
    reconcile: bool,
    as_of: datetime | None,
    lock_wait_seconds: float,
    engine: str | None,
) -> dict[str, Any] | State:
    logger = get_run_logger()
    target = open_warehouse(warehouse, engine)
    target.validate()
    path = str(target.anchor)
    exported = export_secret_blocks(vendors)
    if exported:
        logger.info("API keys from Prefect Secret blocks: %s", ", ".join(exported))
    accounts = configured_accounts(vendors)
    if not accounts:
        raise ValueError("no vendor account configured (set SOURCES__<VENDOR>__API_KEY or a Prefect Secret block)")
    logical_time = _as_of(as_of)
    summary = RunSummary()
    on_wait = lambda busy: logger.warning("%s; waiting up to %.0fs", busy, lock_wait_seconds)  # noqa: E731
    with run_logs([a.api_key for a in accounts]), target.lock(lock_wait_seconds, on_wait):
        started = datetime.now(UTC)
        loader = load_account_task.with_options(retries=TASK_RETRIES, retry_delay_seconds=RETRY_DELAY_SECONDS)
        target.prepare_for_load()  # once, before the accounts' tasks run side by side
        # one task per account, all at once (Prefect's thread pool): extractions overlap, loads take turns where
        # the engine needs it (Warehouse.load_slot)
        futures = [
            loader.submit(account.vendor, account.name, path, full_refresh, reconcile, logical_time, engine)
            for account in accounts
        ]
        for account, future in zip(accounts, futures, strict=True):
            future.wait()
            summary.loads.append(_load_result(future.state, account))
        if any(load.ok for load in summary.loads):
            summary = transform_and_publish_task(path, summary, engine, full=reconcile or full_refresh)
        else:
            logger.error("no account loaded: nothing to transform or publish")
        summary.duration_s = round((datetime.now(UTC) - started).total_seconds(), 3)
        report_task(title, title.lower().replace(" ", "-"), path, summary, engine)
    problems = [load.error for load in summary.failed_loads if load.error]
    if summary.transform_error:
        problems.append(summary.transform_error)
    if problems:
        failed = ", ".join(load.label for load in summary.failed_loads) or "dbt"
        message = f"{title} failed for {failed}: " + " | ".join(problems)
        logger.error("%s", message)
        return Failed(message=message)
    logger.info("marts: %s, CSAT %s%%", summary.marts, summary.csat_pct)
    return summary.as_dict()


@flow(name="refresh", log_prints=False)
def refresh(
    vendors: list[str] | None = None,
    full_refresh: bool = False,
    warehouse: str | None = None,
    as_of: datetime | None = None,
    lock_wait_seconds: float = FLOW_LOCK_WAIT_SECONDS,
    engine: str | None = None,
) -> dict[str, Any]:
    """Load every configured vendor account incrementally, build the marts with dbt, publish analytics.duckdb and
    report. An account that fails does not stop the others; the run ends Failed naming it, after publishing.

    Args:
        vendors: vendors to load (default: every vendor with a configured key).
        full_refresh: forget the accounts' incremental cursors and re-read everything (rows are merged).
        warehouse: the DuckDB file, or the local anchor of a server warehouse (default $FEEDBACK_WAREHOUSE, else
            data/warehouse.duckdb).
        as_of: the run's logical time stamped on observed vote changes (default: the scheduled start).
        lock_wait_seconds: how long to wait for another writer (a CLI run) to finish.
        engine: duckdb or postgres (default $FEEDBACK_WAREHOUSE_ENGINE, else duckdb).
    """
    return _run("Refresh", vendors, warehouse, full_refresh, False, as_of, lock_wait_seconds, engine)


@flow(name="reconcile", log_prints=False)
def reconcile(
    vendors: list[str] | None = None,
    full_refresh: bool = False,
    warehouse: str | None = None,
    as_of: datetime | None = None,
    lock_wait_seconds: float = FLOW_LOCK_WAIT_SECONDS,
    engine: str | None = None,
) -> dict[str, Any]:
    """Full scans of every configured vendor account: catch edits the incremental cursors cannot see and record
    deletions; then dbt build, publish and report, like `refresh`.

    Args:
        vendors: vendors to reconcile (default: every vendor with a configured key).
        full_refresh: also forget the incremental cursors, so the next hourly refresh starts over.
        warehouse: the DuckDB file, or the local anchor of a server warehouse (default $FEEDBACK_WAREHOUSE, else
            data/warehouse.duckdb).
        as_of: the run's logical time stamped on deletions and vote changes (default: the scheduled start).
        lock_wait_seconds: how long to wait for another writer (a CLI run) to finish.
        engine: duckdb or postgres (default $FEEDBACK_WAREHOUSE_ENGINE, else duckdb).
    """
    return _run("Reconcile", vendors, warehouse, full_refresh, True, as_of, lock_wait_seconds, engine)


FLOWS = {"refresh": refresh, "reconcile": reconcile}


def runner_deployments(timezone: str = DEFAULT_TIMEZONE) -> list[Any]:
    """The prefect.yaml deployments as in-process runner deployments, for `feedback-warehouse schedule` (serve)."""
    from prefect.schedules import Cron

    return [
        FLOWS[spec.flow_name].to_deployment(
            name=spec.name,
            schedules=[Cron(spec.cron, timezone=timezone)],
            concurrency_limit=1,
            description=spec.description,
            tags=list(spec.tags),
        )
        for spec in DEPLOYMENTS
    ]


# -- local scheduling: `feedback-warehouse schedule` -----------------------------------------------------------
def _free_port(host: str) -> int:
    import socket

    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def _healthy(api_url: str) -> bool:
    import httpx

    try:
        return httpx.get(f"{api_url}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def start_prefect_server(host: str, port: int, log_path: Path, timeout: float = 180.0) -> tuple[Any, str]:
    """`prefect server start` as a child process; returns it and its API URL once /api/health answers."""
    import shutil
    import subprocess
    import sys
    import time

    port = port or _free_port(host)
    prefect = Path(sys.executable).with_name("prefect")
    executable = str(prefect) if prefect.exists() else (shutil.which("prefect") or "prefect")
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = log_path.open("ab")
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    process = subprocess.Popen(
        [executable, "server", "start", "--host", host, "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    log.close()
    api_url = f"http://{host}:{port}/api"
    deadline = time.monotonic() + timeout
    while not _healthy(api_url):
        if process.poll() is not None:
            raise RuntimeError(f"prefect server exited with code {process.returncode}; see {log_path}")
        if time.monotonic() > deadline:
            stop_process(process)
            raise RuntimeError(f"prefect server did not answer on {api_url} within {timeout:.0f}s; see {log_path}")
        time.sleep(0.5)
    return process, api_url


def stop_process(process: Any, grace: float = 15.0) -> None:
    import subprocess

    if process.poll() is None:
        process.terminate()
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def serve_schedules(api_url: str, timezone: str = DEFAULT_TIMEZONE) -> None:
    """Serve both deployments with their cron schedules against `api_url` until interrupted (Ctrl-C/SIGTERM).

    Flow runs start as child processes in the current directory, with this process's environment (keys).
    """
    from prefect import serve
    from prefect.settings import PREFECT_API_URL, temporary_settings

    os.environ["PREFECT_API_URL"] = api_url  # the flow-run subprocesses report to the same server
    with temporary_settings(updates={PREFECT_API_URL: api_url}):
        serve(*runner_deployments(timezone), print_starting_message=False)
