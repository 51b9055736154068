"""`feedback-warehouse`: demo, run, transform, sandbox, status, check, schedule."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from pipelines.warehouse import published_path, resolve_warehouse

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Product feedback and support data -> DuckDB.")
# pipes and CI logs get 120 columns rather than Rich's 80, so table names are not cut
console = Console(width=None if sys.stdout.isatty() else 120)
err_console = Console(stderr=True, width=None if sys.stderr.isatty() else 200)

WarehouseOpt = Annotated[
    Path | None,
    typer.Option(
        "--warehouse", "-w", help="DuckDB warehouse file (default: $FEEDBACK_WAREHOUSE or data/warehouse.duckdb)"
    ),
]


WaitOpt = Annotated[
    float,
    typer.Option("--wait", help="seconds to wait for another run writing the same warehouse (default: exit 3 at once)"),
]


@contextmanager
def _writer(path: Path, wait: float) -> Iterator[None]:
    """The warehouse's writer lock for this command; a busy warehouse is one clear line and exit code 3."""
    from pipelines.lock import BUSY_EXIT_CODE, WarehouseBusy, warehouse_lock

    def waiting(busy: WarehouseBusy) -> None:
        err_console.print(f"waiting up to {wait:.0f}s: {busy}", highlight=False, soft_wrap=True)

    try:
        with warehouse_lock(path, wait, on_wait=waiting):
            yield
    except WarehouseBusy as busy:
        err_console.print(f"error: {busy}", highlight=False, soft_wrap=True)
        raise typer.Exit(BUSY_EXIT_CODE) from None


def _self_command() -> str:
    """How the user can run this CLI again: `.venv/bin/feedback-warehouse` under make, the bare name on PATH."""
    invoked = Path(sys.argv[0])
    if invoked.name == "feedback-warehouse" and invoked.parent != Path("."):
        try:
            return str(invoked.resolve().relative_to(Path.cwd()))
        except ValueError:
            return str(invoked)
    return "feedback-warehouse"


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class RunProgress:
    """Rich spinners per account on a terminal; one plain line per phase otherwise (CI, Prefect, pipes)."""

    def __init__(self) -> None:
        self.live = console.is_terminal
        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("[bold]{task.description}"),
            TextColumn("{task.fields[phase]}"),
            TextColumn("{task.fields[requests]} requests"),
            TimeElapsedColumn(),
            console=console,
            disable=not self.live,
        )
        self.tasks: dict[str, Any] = {}
        self._lock = threading.Lock()

    def __enter__(self) -> RunProgress:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def __call__(self, label: str, phase: str, info: dict[str, Any]) -> None:
        with self._lock:
            if label not in self.tasks:
                self.tasks[label] = self.progress.add_task(label, total=None, phase="", requests=0)
            task = self.tasks[label]
        if phase == "requests":
            self.progress.update(task, requests=info.get("requests", 0))
            return
        shown = {"done": "done" if info.get("ok") else "failed"}.get(phase, phase)
        self.progress.update(task, phase=shown)
        if not self.live:
            extra = f" ({info['packages']} pending packages from an interrupted run)" if phase == "recover" else ""
            console.print(f"{label}: {shown}{extra}", highlight=False)


def _aggregate_loads(loads: list[Any]) -> dict[str, dict[str, Any]]:
    """Loads of the same account (the demo makes one per simulated day) summed into one entry per account."""
    merged: dict[str, dict[str, Any]] = {}
    for load in loads:
        entry = merged.setdefault(
            load.label, {"rows": {}, "requests": 0, "quarantined": 0, "seconds": 0.0, "ok": True, "recovered": 0}
        )
        for table_name, count in load.rows.items():
            entry["rows"][table_name] = entry["rows"].get(table_name, 0) + count
        entry["requests"] += load.requests.get("requests", 0)
        entry["quarantined"] += load.quarantined
        entry["seconds"] += load.duration_s
        entry["ok"] = entry["ok"] and load.ok
        entry["recovered"] += load.recovered_packages
    return merged


def _print_summary(summary: Any) -> None:
    if summary.runs:
        runs = Table(title="Runs")
        for column in ("run", "as of (UTC)", "requests", "rows", "seconds"):
            runs.add_column(column, justify="left" if column in ("run", "as of (UTC)") else "right")
        for entry in summary.runs:
            runs.add_row(
                entry["run"],
                entry["as_of"][:19],
                f"{entry['requests']:,}",
                f"{entry['rows']:,}",
                f"{entry['seconds']:.1f}",
            )
        console.print(runs)
    table = Table(title="Loads" if not summary.runs else "Loaded (all runs)")
    for column in ("account", "table", "rows", "requests", "quarantined", "seconds"):
        table.add_column(column, justify="left" if column in ("account", "table") else "right")
    for label, entry in _aggregate_loads(summary.loads).items():
        status = "" if entry["ok"] else " [red](failed)[/]"
        if entry["recovered"]:
            status += f" (+{entry['recovered']} recovered)"
        per_account = [f"{entry['requests']:,}", f"{entry['quarantined']:,}", f"{entry['seconds']:.1f}"]
        rows = sorted(entry["rows"].items()) or [("-", 0)]
        for index, (name, count) in enumerate(rows):
            first = index == 0
            table.add_row(
                label + status if first else "",
                name,
                f"{count:,}",
                *(per_account if first else ["", "", ""]),
                end_section=index == len(rows) - 1,
            )
    console.print(table)
    if summary.quarantined:
        console.print(
            f"[yellow]{summary.quarantined} record(s) quarantined[/] (see the vendor's `quarantine` table for reasons)"
        )
    if summary.marts:
        marts = ", ".join(f"{name} {count:,}" for name, count in summary.marts.items())
        console.print(f"Marts: {marts}", highlight=False)
        csat = f"{summary.csat_pct:.1f}% ({summary.csat_ratings:,} ratings)" if summary.csat_pct is not None else "n/a"
        console.print(f"CSAT: {csat}", highlight=False)
    if summary.published:
        console.print(f"Published: {summary.published}", highlight=False)
        from pipelines.reporting import headline_lines, headline_metrics

        for line in headline_lines(headline_metrics(Path(summary.published))):
            console.print(line, highlight=False)
    for load in summary.failed_loads:
        err_console.print(f"error: {load.error}", highlight=False, soft_wrap=True)
    if summary.transform_error:
        err_console.print(f"error: {summary.transform_error}", highlight=False, soft_wrap=True)
    console.print(f"Finished in {summary.duration_s:.1f}s", highlight=False)


@app.command()
def demo(
    warehouse: WarehouseOpt = None,
    tickets: Annotated[int, typer.Option(help="tickets in the generated sandbox workspace")] = 500,
    seed: Annotated[int, typer.Option(help="seed of the generated workspace")] = 7,
    wait: WaitOpt = 0.0,
) -> None:
    """Sandbox APIs on localhost -> DuckDB -> marts -> analytics.duckdb -> summary. Needs no API keys."""
    from pipelines.demo import DEMO_WAREHOUSE, run_demo

    path = resolve_warehouse(warehouse or DEMO_WAREHOUSE)
    console.print(
        f"Demo: sandbox Featurebase ({tickets} tickets, feedback boards), a backfill then 13 daily runs -> {path}",
        highlight=False,
    )
    with _writer(path, wait), RunProgress() as progress:
        summary = run_demo(path, tickets=tickets, seed=seed, progress=progress)
    _print_summary(summary)
    if not summary.ok:
        raise typer.Exit(1)
    console.print(
        f"Dashboards: {_self_command()} dashboard --warehouse {path}  (then open http://127.0.0.1:8501)",
        highlight=False,
    )


@app.command()
def run(
    source: Annotated[list[str] | None, typer.Option("--source", "-s", help="vendor to load (repeatable)")] = None,
    warehouse: WarehouseOpt = None,
    full_refresh: Annotated[bool, typer.Option(help="forget incremental cursors and re-read everything")] = False,
    reconcile: Annotated[
        bool, typer.Option(help="full scans that catch edits cursors cannot see and record deletions")
    ] = False,
    transform: Annotated[bool, typer.Option(help="run dbt build and publish after loading")] = True,
    as_of: Annotated[
        datetime | None,
        typer.Option(
            "--as-of",
            formats=["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"],
            help="the run's logical time, stamped on observed vote changes (default now; naive = UTC)",
        ),
    ] = None,
    wait: WaitOpt = 0.0,
) -> None:
    """Load every configured account (keys from .dlt/secrets.toml or env), then build and publish the marts."""
    from pipelines.accounts import configured_accounts
    from pipelines.jobs import refresh

    path = resolve_warehouse(warehouse)
    try:
        accounts = configured_accounts(source)
    except ValueError as exc:
        err_console.print(f"error: {exc}", highlight=False)
        raise typer.Exit(2) from None
    if not accounts:
        err_console.print(
            "error: no vendor account configured. Set SOURCES__FEATUREBASE__API_KEY (or [sources.featurebase] "
            "api_key in .dlt/secrets.toml), or try `feedback-warehouse demo`.",
            highlight=False,
        )
        raise typer.Exit(2)
    with _writer(path, wait), RunProgress() as progress:
        summary = refresh(
            accounts,
            path,
            full_refresh=full_refresh,
            reconcile=reconcile,
            as_of=_utc(as_of),
            transform=transform,
            progress=progress,
        )
    _print_summary(summary)
    if not summary.ok:
        raise typer.Exit(1)


@app.command("transform")
def transform_command(warehouse: WarehouseOpt = None, wait: WaitOpt = 0.0) -> None:
    """dbt build (models, seeds, data and unit tests) then publish analytics.duckdb."""
    from pipelines.jobs import transform_and_publish
    from pipelines.summary import RunSummary

    path = resolve_warehouse(warehouse)
    if not path.exists():
        err_console.print(f"error: no warehouse at {path}; run `feedback-warehouse run` first", highlight=False)
        raise typer.Exit(2)
    started = time.monotonic()
    with _writer(path, wait):
        summary = transform_and_publish(path, RunSummary())
    summary.duration_s = round(time.monotonic() - started, 3)
    _print_summary(summary)
    if not summary.ok:
        raise typer.Exit(1)


@app.command()
def sandbox(
    port: Annotated[int, typer.Option(help="port on 127.0.0.1 (0 = any free port)")] = 8765,
    tickets: Annotated[int, typer.Option(help="tickets in the generated workspace")] = 500,
    seed: Annotated[int, typer.Option(help="seed of the generated workspace")] = 7,
    api_key: Annotated[str, typer.Option(help="the key the sandbox accepts")] = "fb_sandbox_key",
) -> None:
    """Serve the vendor stand-ins on 127.0.0.1 until Ctrl-C (control API under /_sandbox/)."""
    from sandbox.featurebase import FeaturebaseApp, generate_workspace
    from sandbox.framework.server import SandboxServer

    app_ = FeaturebaseApp({api_key: generate_workspace(seed=seed, tickets=tickets)})
    server = SandboxServer(app_, port=port)
    server.start()
    console.print(f"Featurebase sandbox on {server.url}", highlight=False)
    console.print(
        f"Point a run at it:  SOURCES__FEATUREBASE__BASE_URL={server.url} SOURCES__FEATUREBASE__API_KEY=<the key> "
        "feedback-warehouse run",
        highlight=False,
    )
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


@app.command()
def status(warehouse: WarehouseOpt = None) -> None:
    """Last successful load, rows and quarantined records per vendor table; the published file's age."""
    import duckdb

    path = resolve_warehouse(warehouse)
    if not path.exists():
        console.print(f"No warehouse at {path} yet. Run `feedback-warehouse run` (or `demo`).", highlight=False)
        raise typer.Exit(0)
    con = duckdb.connect(str(path), read_only=True)
    try:
        table = Table(title=f"Warehouse {path}")
        for column in ("dataset", "table", "rows", "last load (UTC)"):
            table.add_column(column)
        raw_tables = con.execute(
            "select schema_name, table_name from duckdb_tables() where schema_name not in "
            "('staging','intermediate','marts','main') and not table_name like '_dlt%' order by 1, 2"
        ).fetchall()
        for schema, name in raw_tables:
            rows, last = con.execute(
                f'select count(*), max(l.inserted_at) from "{schema}"."{name}" t '
                f'left join "{schema}"._dlt_loads l on l.load_id = t._dlt_load_id and l.status = 0'
            ).fetchone()
            table.add_row(schema, name, f"{rows:,}", str(last)[:19] if last else "-")
        console.print(table)
    finally:
        con.close()
    published = published_path(path)
    if published.exists():
        age = time.time() - published.stat().st_mtime
        console.print(f"Published {published} ({age / 60:.0f} min ago)", highlight=False)
    else:
        console.print("Nothing published yet (run `feedback-warehouse transform`).", highlight=False)


@app.command()
def check(source: Annotated[list[str] | None, typer.Option("--source", "-s")] = None) -> None:
    """Try each configured account's key with one cheap request."""
    from pipelines.accounts import configured_accounts
    from pipelines.vendors import get_vendor
    from sources.common.errors import SourceError

    accounts = configured_accounts(source)
    if not accounts:
        err_console.print("error: no vendor account configured (see README: configuring API keys)", highlight=False)
        raise typer.Exit(2)
    failed = 0
    for account in accounts:
        try:
            get_vendor(account.vendor).check_credentials(account.api_key, account.base_url, account.name)
            console.print(f"{account.label}: ok ({account.base_url})", highlight=False)
        except SourceError as exc:
            failed += 1
            err_console.print(f"error: {exc.one_line()}", highlight=False, soft_wrap=True)
    if failed:
        raise typer.Exit(1)


@app.command()
def schedule(
    host: Annotated[str, typer.Option(help="address the local Prefect server listens on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port of the local Prefect server (0 = any free port)")] = 4200,
    timezone: Annotated[
        str, typer.Option(envvar="FEEDBACK_WAREHOUSE_TIMEZONE", help="timezone of the cron schedules")
    ] = "UTC",
    api_url: Annotated[
        str | None, typer.Option(help="use this running Prefect API (…/api) instead of starting a server")
    ] = None,
) -> None:
    """Local scheduling in one command: a Prefect server plus the hourly refresh and nightly reconcile, until Ctrl-C."""
    import signal
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from prefect.settings import PREFECT_HOME

    from pipelines.flows import DEPLOYMENTS, serve_schedules, start_prefect_server, stop_process

    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        err_console.print(f"error: unknown timezone {timezone!r} (use an IANA name such as Europe/Paris)")
        raise typer.Exit(2) from None
    server = None
    if api_url is None:
        log_path = Path(PREFECT_HOME.value()) / "feedback-warehouse-server.log"
        console.print(f"Starting a Prefect server on {host}:{port or 'a free port'} (log: {log_path}) ...")
        try:
            server, api_url = start_prefect_server(host, port, log_path)
        except RuntimeError as exc:
            err_console.print(f"error: {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(1) from None
    api_url = api_url.rstrip("/")
    console.print(f"Prefect UI: {api_url.removesuffix('/api')}", highlight=False)
    console.print(f"Prefect API: {api_url}", highlight=False)
    for spec in DEPLOYMENTS:
        console.print(f"Serving {spec.flow_name}/{spec.name}: cron {spec.cron!r} ({timezone})", highlight=False)
    console.print("Flow runs start here, with this shell's environment and keys. Ctrl-C stops.", highlight=False)
    # SIGTERM (a service manager, `kill`) stops as cleanly as Ctrl-C, taking the server down with us
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        serve_schedules(api_url, timezone)
    except KeyboardInterrupt:
        pass
    finally:
        if server is not None:
            stop_process(server)
    console.print("Stopped.", highlight=False)


@app.command()
def dashboard(
    warehouse: WarehouseOpt = None,
    published: Annotated[
        Path | None, typer.Option(help="published analytics.duckdb to read (default: beside the warehouse)")
    ] = None,
    port: Annotated[int, typer.Option(help="port on 127.0.0.1")] = 8501,
) -> None:
    """Serve the Streamlit dashboards (support, feedback, data health) on 127.0.0.1, reading analytics.duckdb."""
    import os

    import dashboards

    target = (published or published_path(resolve_warehouse(warehouse))).expanduser().resolve()
    app_path = Path(dashboards.__file__).with_name("app.py")
    url = f"http://127.0.0.1:{port}"
    console.print(f"Dashboards on {url} (reading {target}; Ctrl-C to stop)", highlight=False)
    if not target.exists():
        console.print("Nothing published there yet: the pages explain what to run.", highlight=False)
    command = [
        sys.executable, "-m", "streamlit", "run", str(app_path),
        "--server.address", "127.0.0.1", "--server.port", str(port), "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    sys.stdout.flush()
    # replaced by Streamlit rather than wrapping it, so Ctrl-C and a service manager's SIGTERM reach the server
    os.execve(sys.executable, command, {**os.environ, "FEEDBACK_PUBLISHED": str(target)})


if __name__ == "__main__":  # pragma: no cover - `python -m pipelines.cli`
    app(prog_name="feedback-warehouse")
