"""What the CLI shows: progress while a run goes, and the summary after it."""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

# pipes and CI logs get 120 columns rather than Rich's 80, so table names are not cut
console = Console(width=None if sys.stdout.isatty() else 120)
err_console = Console(stderr=True, width=None if sys.stderr.isatty() else 200)


class RunProgress:
    """Rich spinners per account on a terminal; one plain line per phase otherwise (CI, Prefect, pipes).

    `context` (e.g. "day 3" in the demo) prefixes every line, so a run made of several loads of the same
    account reads as a story rather than as identical blocks.
    """

    def __init__(self) -> None:
        self.live = console.is_terminal
        self.context = ""
        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("[bold]{task.description}"),
            TextColumn("{task.fields[phase]}"),
            TextColumn("{task.fields[requests]}"),
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
                self.tasks[label] = self.progress.add_task(label, total=None, phase="", requests="")
            task = self.tasks[label]
        if phase == "requests":
            self.progress.update(task, requests=_requests_text(info))
            return
        shown = {"done": "done" if info.get("ok") else "failed"}.get(phase, phase)
        where = f"{self.context}: " if self.context else ""
        self.progress.update(task, description=f"{where}{label}", phase=shown)
        if not self.live:
            extra = f" ({info['packages']} pending packages from an interrupted run)" if phase == "recover" else ""
            if phase == "done" and info.get("requests") is not None:
                extra = f" ({info['requests']:,} requests)"
            console.print(f"{where}{label}: {shown}{extra}", highlight=False)


def _requests_text(info: dict[str, Any]) -> str:
    """`412 requests`, or with a plan `412/1,200 requests, ~3.5 min left` (rate-limited vendors)."""
    done = info.get("requests", 0)
    planned = info.get("planned")
    if not planned:
        return f"{done:,} requests"
    left = info.get("seconds_left")
    eta = f", ~{left / 60:.1f} min left" if left else ""
    return f"{done:,}/{planned:,} requests{eta}"


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


def print_summary(summary: Any) -> None:
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
    loads = _aggregate_loads(summary.loads)
    if loads:
        accounts = Table(title="Accounts" if not summary.runs else "Accounts (all runs)")
        for column in ("account", "status", "requests", "rows", "quarantined", "seconds"):
            accounts.add_column(column, justify="left" if column in ("account", "status") else "right")
        for label, entry in loads.items():
            status = "ok" if entry["ok"] else "[red]failed[/]"
            if entry["recovered"]:
                status += f" (+{entry['recovered']} recovered)"
            accounts.add_row(
                label,
                status,
                f"{entry['requests']:,}",
                f"{sum(entry['rows'].values()):,}",
                f"{entry['quarantined']:,}",
                f"{entry['seconds']:.1f}",
            )
        console.print(accounts)
        rows = Table(title="Rows loaded per table")
        for column in ("account", "table", "rows"):
            rows.add_column(column, justify="right" if column == "rows" else "left")
        for label, entry in loads.items():
            tables = sorted(entry["rows"].items()) or [("-", 0)]
            for index, (name, count) in enumerate(tables):
                rows.add_row(label if index == 0 else "", name, f"{count:,}", end_section=index == len(tables) - 1)
        console.print(rows)
    if summary.quarantined:
        console.print(
            f"[yellow]{summary.quarantined} record(s) quarantined[/] (see fct_quarantine or the vendor's "
            "`quarantine` table for the reasons)"
        )
    build = getattr(summary, "build", None) or {}
    if build.get("kind") == "none":
        console.print(f"dbt: nothing to rebuild ({build['reason']}); load freshness published", highlight=False)
    elif build.get("kind") == "selective":
        console.print(
            f"dbt: rebuilt {build['models']} models downstream of {', '.join(build['vendors'])} in "
            f"{build['seconds']:.1f}s ({build['reason']})",
            highlight=False,
            soft_wrap=True,
        )
    elif build.get("kind") == "full" and build.get("models"):
        console.print(f"dbt: full build, {build['models']} models in {build['seconds']:.1f}s", highlight=False)
    if summary.marts:
        marts = ", ".join(f"{name} {count:,}" for name, count in summary.marts.items())
        console.print(f"Marts: {marts}", highlight=False, soft_wrap=True)
    if summary.published:
        from pipelines.reporting import headline_lines, headline_metrics

        csat = f"{summary.csat_pct:.1f}% ({summary.csat_ratings:,} ratings)" if summary.csat_pct is not None else "n/a"
        console.print(f"CSAT (all time): {csat}", highlight=False)
        for line in headline_lines(headline_metrics(Path(summary.published))):
            console.print(line, highlight=False, soft_wrap=True)
        console.print(f"Published: {summary.published}", highlight=False, soft_wrap=True)
    for warning in summary.dbt_warnings:
        err_console.print(f"warning: dbt {warning}", highlight=False, soft_wrap=True, markup=False)
    for load in summary.failed_loads:
        err_console.print(f"error: {load.error}", highlight=False, soft_wrap=True, markup=False)
    if summary.transform_error:
        err_console.print(f"error: {summary.transform_error}", highlight=False, soft_wrap=True, markup=False)
    console.print(f"Finished in {summary.duration_s:.1f}s", highlight=False)
