"""`feedback-warehouse`: demo, run, transform, check, status, sandbox, schedule, dashboard.

Every user mistake is one line that says how to fix it, with exit code 2 (configuration and usage); a run that
fails exits 1; a warehouse another run is writing exits 3. `--debug` (or FEEDBACK_WAREHOUSE_DEBUG=1) shows the
traceback instead.
"""

from __future__ import annotations

import functools
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from pipelines.console import RunProgress, console, err_console, print_summary

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Product feedback and support data from vendor APIs -> a SQL warehouse (DuckDB or PostgreSQL) -> marts.",
)
DEBUG_ENV = "FEEDBACK_WAREHOUSE_DEBUG"
F = TypeVar("F", bound=Callable[..., Any])

WarehouseOpt = Annotated[
    Path | None,
    typer.Option(
        "--warehouse",
        "-w",
        help="the DuckDB warehouse file; with --engine postgres, where its local files go "
        "(default: $FEEDBACK_WAREHOUSE or data/warehouse.duckdb)",
    ),
]
EngineOpt = Annotated[
    str | None,
    typer.Option(
        "--engine", help="warehouse engine: duckdb or postgres (default: $FEEDBACK_WAREHOUSE_ENGINE or duckdb)"
    ),
]
WaitOpt = Annotated[
    float,
    typer.Option("--wait", help="seconds to wait for another run writing the same warehouse (default: exit 3 at once)"),
]
SourceOpt = Annotated[
    list[str] | None,
    typer.Option("--source", "-s", help="only this vendor (repeatable; default: every vendor with a key)"),
]


def _debug() -> bool:
    return os.environ.get(DEBUG_ENV, "").lower() in ("1", "true", "yes")


@app.callback()
def _main(
    debug: Annotated[bool, typer.Option("--debug", help="show tracebacks instead of one-line errors")] = False,
) -> None:
    if debug:
        os.environ[DEBUG_ENV] = "1"


def _fail(message: str, code: int) -> typer.Exit:
    err_console.print(f"error: {' '.join(str(message).split())}", highlight=False, soft_wrap=True, markup=False)
    return typer.Exit(code)


def one_line_errors(command: F) -> F:
    """User mistakes and failures as one line and an exit code; the traceback only with --debug."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from pipelines.errors import USAGE_EXIT_CODE, ConfigError
        from pipelines.lock import BUSY_EXIT_CODE, WarehouseBusy
        from sources.common.errors import SourceError

        try:
            return command(*args, **kwargs)
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:
            if _debug():
                raise
            if isinstance(exc, ConfigError):
                raise _fail(str(exc), USAGE_EXIT_CODE) from None
            if isinstance(exc, WarehouseBusy):
                raise _fail(str(exc), BUSY_EXIT_CODE) from None
            if isinstance(exc, SourceError):
                raise _fail(exc.one_line(), 1) from None
            if isinstance(exc, PermissionError | IsADirectoryError | NotADirectoryError):
                where = f" ({exc.filename})" if exc.filename else ""
                raise _fail(f"{exc.strerror}{where}. Fix: choose a writable --warehouse", USAGE_EXIT_CODE) from None
            raise _fail(f"{type(exc).__name__}: {exc} (run with --debug for the traceback)", 1) from None

    return wrapper  # type: ignore[return-value]


@contextmanager
def _writer(warehouse: Any, wait: float) -> Iterator[None]:
    """The warehouse's writer lock for this command; a busy warehouse is one line and exit code 3."""

    def waiting(busy: Exception) -> None:
        err_console.print(f"waiting up to {wait:.0f}s: {busy}", highlight=False, soft_wrap=True, markup=False)

    with warehouse.lock(wait, on_wait=waiting):
        yield


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


def _accounts(source: list[str] | None) -> list[Any]:
    from pipelines.accounts import configured_accounts
    from pipelines.errors import ConfigError
    from pipelines.vendors import VENDOR_NAMES, get_vendor

    for name in source or []:
        get_vendor(name)  # an unknown vendor is a usage error, before anything else
    accounts = configured_accounts(source)
    if not accounts:
        wanted = source or list(VENDOR_NAMES)
        settings = " or ".join(f"{get_vendor(v).env_prefix}__API_KEY" for v in wanted)
        raise ConfigError(
            f"no account configured for {', '.join(wanted)}. Fix: set {settings} (or api_key under "
            "[sources.<vendor>] in .dlt/secrets.toml), or try `feedback-warehouse demo`"
        )
    return accounts


@app.command()
@one_line_errors
def demo(
    warehouse: Annotated[
        Path | None,
        typer.Option("--warehouse", "-w", help="the demo's DuckDB file (default: data/demo/warehouse.duckdb)"),
    ] = None,
    scale: Annotated[
        int | None,
        typer.Option("--scale", "--tickets", help="size of each generated account (default: each vendor's own)"),
    ] = None,
    seed: Annotated[int, typer.Option(help="seed of the generated accounts")] = 7,
    days: Annotated[int, typer.Option(min=0, help="daily incremental runs after the backfill")] = 13,
    force: Annotated[
        bool, typer.Option(help="replace a warehouse the demo did not create (its files are deleted)")
    ] = False,
    wait: WaitOpt = 0.0,
) -> None:
    """Sandbox APIs on localhost -> DuckDB -> marts -> analytics.duckdb -> summary. Needs no API keys.

    Starts from an empty demo warehouse each time; it only ever deletes files it created itself.
    """
    from pipelines.demo import DEMO_WAREHOUSE, demo_vendors, run_demo
    from pipelines.warehouse import open_warehouse

    target = open_warehouse(warehouse or DEMO_WAREHOUSE, "duckdb")
    names = ", ".join(vendor.label for vendor in demo_vendors().values())
    console.print(f"Demo: sandbox {names}; a backfill then {days} daily runs -> {target.anchor}", highlight=False)
    target.validate()
    with _writer(target, wait), RunProgress() as progress:
        summary = run_demo(target, scale=scale, seed=seed, days=days, progress=progress, force=force)
    print_summary(summary)
    if not summary.ok:
        raise typer.Exit(1)
    console.print(
        f"Dashboards: {_self_command()} dashboard --warehouse {target.anchor}  (then open http://127.0.0.1:8501)",
        highlight=False,
        soft_wrap=True,
    )


@app.command()
@one_line_errors
def run(
    source: SourceOpt = None,
    warehouse: WarehouseOpt = None,
    engine: EngineOpt = None,
    full_refresh: Annotated[bool, typer.Option(help="forget incremental cursors and re-read everything")] = False,
    reconcile: Annotated[
        bool, typer.Option(help="full scans that catch edits cursors cannot see and record deletions")
    ] = False,
    transform: Annotated[bool, typer.Option(help="run dbt build and publish after loading")] = True,
    full_build: Annotated[
        bool,
        typer.Option(help="rebuild and test every model (default: only what the loaded changes affect)"),
    ] = False,
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
    from pipelines.jobs import refresh
    from pipelines.warehouse import open_warehouse

    accounts = _accounts(source)
    target = open_warehouse(warehouse, engine)
    target.validate()  # before any extract: a wrong warehouse costs a second, not a whole run
    with _writer(target, wait), RunProgress() as progress:
        summary = refresh(
            accounts,
            target,
            full_refresh=full_refresh,
            reconcile=reconcile,
            as_of=_utc(as_of),
            transform=transform,
            progress=progress,
            full_build=full_build,
        )
    print_summary(summary)
    if not summary.ok:
        raise typer.Exit(1)


@app.command("transform")
@one_line_errors
def transform_command(
    warehouse: WarehouseOpt = None,
    engine: EngineOpt = None,
    wait: WaitOpt = 0.0,
    docs: Annotated[
        bool, typer.Option("--docs", help="also write the dbt docs site (one static HTML file) beside the warehouse")
    ] = False,
) -> None:
    """dbt build (models, seeds, data and unit tests) then publish analytics.duckdb."""
    from pipelines.errors import ConfigError
    from pipelines.jobs import transform_and_publish
    from pipelines.summary import RunSummary
    from pipelines.warehouse import open_warehouse

    target = open_warehouse(warehouse, engine)
    if not target.exists():
        raise ConfigError(f"no warehouse at {target.describe()}. Fix: run `feedback-warehouse run` (or `demo`) first")
    target.validate()
    started = time.monotonic()
    with _writer(target, wait):
        summary = transform_and_publish(target, RunSummary())
        if docs and summary.ok:
            from pipelines.transform import write_docs

            written = write_docs(target)
    summary.duration_s = round(time.monotonic() - started, 3)
    print_summary(summary)
    if not summary.ok:
        raise typer.Exit(1)
    if docs:
        console.print(
            f"dbt docs: {written} (open it in a browser; it needs no server)", highlight=False, soft_wrap=True
        )


@app.command()
@one_line_errors
def sandbox(
    port: Annotated[int, typer.Option(help="port on 127.0.0.1 (0 = any free port)")] = 8765,
    scale: Annotated[
        int | None, typer.Option(help="size of each generated account (default: each vendor's own)")
    ] = None,
    seed: Annotated[int, typer.Option(help="seed of the generated accounts")] = 7,
) -> None:
    """Serve every registered vendor's stand-in on one port of 127.0.0.1, one path prefix per vendor, until Ctrl-C.

    Prints each vendor's base URL and API key, ready to paste as SOURCES__<VENDOR>__BASE_URL / __API_KEY.
    """
    from pipelines.demo import demo_vendors, sandbox_mux
    from sandbox.framework import SandboxServer

    vendors = demo_vendors()
    mux, _ = sandbox_mux(vendors, seed=seed, scale=scale)
    server = SandboxServer(mux, port=port)
    server.start()
    console.print(f"Sandbox on {server.url} (control API under <base>/_sandbox/). Ctrl-C stops.", highlight=False)
    for vendor, spec in vendors.items():
        stand_in = spec.sandbox_vendor()
        url, key = stand_in.base_url(server.url), stand_in.demo_key
        extra = "".join(
            f" {spec.env_prefix}__{name.upper()}={value}" for name, value in (stand_in.client_settings or {}).items()
        )
        console.print(
            f"  {vendor}: {spec.env_prefix}__BASE_URL={url} {spec.env_prefix}__API_KEY={key}{extra}",
            highlight=False,
            soft_wrap=True,
        )
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


@app.command()
@one_line_errors
def status(warehouse: WarehouseOpt = None, engine: EngineOpt = None) -> None:
    """Rows and last successful load per vendor table, and the published file's age."""
    from rich.table import Table

    from pipelines.vendors import VENDOR_NAMES
    from pipelines.warehouse import open_warehouse

    target = open_warehouse(warehouse, engine)
    if not target.exists():
        console.print(f"No warehouse at {target.describe()} yet. Run `feedback-warehouse run` (or `demo`).")
        return
    datasets = target.loaded_datasets(list(VENDOR_NAMES))
    if not datasets:
        console.print(f"Warehouse {target.describe()}: nothing loaded yet. Run `feedback-warehouse run`.")
    else:
        table = Table(title=f"Warehouse {target.describe()}")
        for column in ("dataset", "table", "rows", "last load (UTC)"):
            table.add_column(column, justify="right" if column == "rows" else "left")
        for dataset, name in target.iter_raw_tables(datasets):
            [(rows, last)] = target.query(
                f'select count(*), max(loads.inserted_at) from "{dataset}"."{name}" as t '
                f'left join "{dataset}"._dlt_loads as loads on loads.load_id = t._dlt_load_id and loads.status = 0'
            )
            table.add_row(dataset, name, f"{rows:,}", str(last)[:19] if last else "-")
        console.print(table)
    published = target.published_path
    if published.exists():
        age = time.time() - published.stat().st_mtime
        console.print(f"Published {published} ({age / 60:.0f} min ago)", highlight=False)
    else:
        console.print("Nothing published yet (run `feedback-warehouse transform`).", highlight=False)


@app.command()
@one_line_errors
def check(
    source: Annotated[
        list[str] | None,
        typer.Option("--source", "-s", help="only check this vendor's accounts (repeatable; default: all configured)"),
    ] = None,
) -> None:
    """Try each configured account's key and base URL with one cheap request (all accounts at once)."""
    from concurrent.futures import ThreadPoolExecutor

    from pipelines.vendors import get_vendor
    from sources.common.errors import SourceError

    accounts = _accounts(source)

    def try_account(account: Any) -> str | None:
        try:
            get_vendor(account.vendor).credential_check()(account.api_key, account.base_url, account.name)
        except SourceError as exc:
            return exc.one_line()
        return None

    with ThreadPoolExecutor(max_workers=min(8, len(accounts))) as pool:
        outcomes = list(pool.map(try_account, accounts))
    for account, error in zip(accounts, outcomes, strict=True):
        if error is None:
            console.print(f"{account.label}: ok ({account.base_url})", highlight=False)
        else:
            err_console.print(f"error: {error}", highlight=False, soft_wrap=True, markup=False)
    if any(outcomes):
        raise typer.Exit(1)


@app.command()
@one_line_errors
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

    from pipelines.errors import ConfigError
    from pipelines.flows import DEPLOYMENTS, serve_schedules, start_prefect_server, stop_process

    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"unknown timezone {timezone!r}. Fix: use an IANA name such as Europe/Paris") from None
    server = None
    if api_url is None:
        log_path = Path(PREFECT_HOME.value()) / "feedback-warehouse-server.log"
        console.print(f"Starting a Prefect server on {host}:{port or 'a free port'} (log: {log_path}) ...")
        try:
            server, api_url = start_prefect_server(host, port, log_path)
        except RuntimeError as exc:
            raise _fail(str(exc), 1) from None
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
@one_line_errors
def dashboard(
    warehouse: WarehouseOpt = None,
    published: Annotated[
        Path | None, typer.Option(help="published analytics.duckdb to read (default: the warehouse's)")
    ] = None,
    port: Annotated[int, typer.Option(help="port on 127.0.0.1")] = 8501,
) -> None:
    """Serve the Streamlit dashboards (support, feedback, roadmap, data health) on 127.0.0.1."""
    import dashboards
    from pipelines.warehouse import published_path_for, resolve_anchor

    target = (published or published_path_for(resolve_anchor(warehouse))).expanduser().resolve()
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


def main() -> None:
    """The console script: Typer without its multi-line usage boxes, so a wrong option is one line too."""
    # Typer vendors its own click; its exception classes are the ones raised
    from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError

    try:
        code = app(prog_name="feedback-warehouse", standalone_mode=False)
    except NoArgsIsHelpError as exc:
        console.print(exc.ctx.get_help() if exc.ctx else str(exc), highlight=False, markup=False)
        sys.exit(0)
    except UsageError as exc:
        command = exc.ctx.command_path if exc.ctx else "feedback-warehouse"
        message = " ".join(exc.format_message().split())
        err_console.print(f"error: {message} (see `{command} --help`)", highlight=False, soft_wrap=True, markup=False)
        sys.exit(exc.exit_code)
    except ClickException as exc:
        err_console.print(f"error: {' '.join(exc.format_message().split())}", highlight=False, markup=False)
        sys.exit(exc.exit_code)
    except typer.Abort:
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":  # pragma: no cover - `python -m pipelines.cli`
    main()
