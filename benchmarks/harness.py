"""Benchmark driver: runs the sections in order, each against its own stand-in processes, and collects one report.

Sections (any can be skipped; a section that fails is recorded under `errors` and the others still run):
- headline: Featurebase backfill, ours vs competent and naive `rest_api` vs two ceilings; incremental; no-change
- postgres: the headline's backfill into PostgreSQL, csv (COPY) vs insert_values, beside DuckDB
- remote: Featurebase with latency and its 2,000/min enforced
- scaling: ours' Featurebase backfill at several sizes (+ `dbt build` on each unless `dbt` is skipped)
- vendors: Product7, FeedbackKit, UsersLoop backfills, ours vs competent vs ceiling
- arrays: FeedbackKit's one array at 5,000 and 50,000 feedbacks
- rate-limit: UsersLoop under 60 requests a minute (window scaled)
- accounts: 50 Featurebase accounts in one run vs one
- four-vendors: the four vendors in one run vs the slowest alone
- hourly: four vendors end to end (load + dbt + publish): no change and 1 % change
"""

from __future__ import annotations

import os
import shutil
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from benchmarks import featurebase, vendors
from benchmarks.child import ROOT
from benchmarks.four_vendors import configure_remote, four_vendors
from benchmarks.hourly import hourly
from benchmarks.large_array import feedbackkit_arrays
from benchmarks.many_accounts import many_accounts
from benchmarks.postgres import postgres_backfill
from benchmarks.rate_limit import usersloop_contract
from benchmarks.sandbox import Sandbox, Size
from benchmarks.targets import targets

SECTIONS = (
    "headline",
    "postgres",
    "remote",
    "scaling",
    "vendors",
    "arrays",
    "rate-limit",
    "accounts",
    "four-vendors",
    "hourly",
)
#: parts of sections that can be left out on their own
PARTS = ("naive", "dbt")
FOUR_VENDORS = ("featurebase", "product7", "feedbackkit", "usersloop")


@dataclass
class Options:
    size: Size
    sizes: list[int]
    remote_tickets: int
    remote_naive_seconds: float
    vendor_scales: dict[str, int]
    array_sizes: list[int]
    limited_feedback: int
    four_scales: dict[str, int]
    accounts: int
    account_size: Size
    window_s: float = 3.0
    latency_ms: float = 50.0
    change_fraction: float = 0.01
    repeats: int = 3
    skip: set[str] = field(default_factory=set)
    workdir: Path = field(default_factory=lambda: ROOT / "data" / "bench")

    def runs(self, section: str) -> bool:
        return section not in self.skip


class Run:
    """The report being built, with each section timed and its failure recorded rather than raised."""

    def __init__(self, report: dict[str, Any]) -> None:
        self.report = report

    def section(self, name: str, work: Callable[[], Any]) -> Any:
        started = time.monotonic()
        try:
            return work()
        except Exception as exc:  # one broken section must not cost the figures of the others
            self.report["errors"][name] = f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=6)}"
            return None
        finally:
            self.report["section_seconds"][name] = round(time.monotonic() - started, 1)


def _headline(run: Run, opts: Options, sandboxes: dict[Size, Sandbox]) -> None:
    report = run.report
    main = sandboxes[opts.size] = Sandbox.featurebase(opts.size)
    report["records"] = dict(main.records, total=main.total_records)
    report["sandbox_generate_s"] = main.generate_s
    result = featurebase.backfill(main, opts.workdir, opts.repeats, skip_naive=not opts.runs("naive"))
    report["backfill"], report["ratios"] = result["runs"], result["ratios"]
    ours = result["runs"]["ours"]
    warehouse = opts.workdir / "main-ours.duckdb"
    report["incremental"] = featurebase.incremental(main, warehouse, ours["wall_s"], opts.change_fraction)
    report["no_change"] = featurebase.no_change(main, warehouse, ours["wall_s"])


def _postgres(run: Run, opts: Options, sandboxes: dict[Size, Sandbox]) -> dict[str, Any]:
    sandbox = sandboxes.get(opts.size) or sandboxes.setdefault(opts.size, Sandbox.featurebase(opts.size))
    duckdb_run = (run.report.get("backfill") or {}).get("ours")
    return postgres_backfill(sandbox, opts.workdir, opts.repeats, duckdb_run)


def _remote(opts: Options, sandboxes: dict[Size, Sandbox]) -> dict[str, Any]:
    size = Size(opts.remote_tickets, opts.size.parts_per_ticket, opts.size.posts, opts.size.voters)
    sandbox = sandboxes.get(size) or Sandbox.featurebase(size)
    try:
        naive = opts.remote_naive_seconds if opts.runs("naive") else None
        return featurebase.remote(sandbox, opts.latency_ms, naive, opts.workdir)
    finally:
        if size not in sandboxes:
            sandbox.stop()


def _vendors(run: Run, opts: Options) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for vendor in vendors.VENDORS:
        if reason := vendors.unavailable(vendor):
            run.report["notes"].append(reason)
            continue
        out[vendor] = run.section(
            f"vendors.{vendor}",
            lambda v=vendor: vendors.backfill(v, opts.vendor_scales[v], opts.workdir, opts.repeats),
        )
    return out


def _arrays(run: Run, opts: Options) -> dict[str, Any]:
    measured: dict[int, dict[str, Any]] = {}
    if (fk := (run.report.get("vendors") or {}).get("feedbackkit")) is not None:
        measured[fk["scale"]] = fk["runs"]["ours"]
    return feedbackkit_arrays(opts.array_sizes, opts.workdir, measured)


def _four_vendor_sandboxes(run: Run, opts: Options) -> dict[str, Sandbox]:
    """One stand-in process per vendor at the four-vendor sizes, remote-like (shared by four-vendors, hourly)."""
    sandboxes: dict[str, Sandbox] = {}
    for vendor in FOUR_VENDORS:
        if reason := vendors.unavailable(vendor):
            run.report["notes"].append(f"four vendors: {reason}")
            continue
        scale = opts.four_scales[vendor]
        if vendor == "featurebase":
            sandboxes[vendor] = Sandbox.featurebase(Size(scale, opts.size.parts_per_ticket, 50, 200))
        else:
            sandboxes[vendor] = Sandbox.sized(vendor, scale)
    run.report["four_vendor_conditions"] = configure_remote(sandboxes, opts.latency_ms, opts.window_s)
    return sandboxes


def run_all(opts: Options) -> dict[str, Any]:
    shutil.rmtree(opts.workdir, ignore_errors=True)
    opts.workdir.mkdir(parents=True)
    report: dict[str, Any] = {
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {
            "cpus": os.cpu_count(),
            "load_avg_at_start": [round(x, 2) for x in os.getloadavg()],
            "python": sys.version.split()[0],
        },
        "options": {k: (sorted(v) if isinstance(v, set) else v) for k, v in asdict(opts).items() if k != "workdir"},
        "workspace": asdict(opts.size),
        "notes": [],
        "errors": {},
        "section_seconds": {},
    }
    run = Run(report)
    started = time.monotonic()
    sandboxes: dict[Size, Sandbox] = {}
    try:
        if opts.runs("headline"):
            run.section("headline", lambda: _headline(run, opts, sandboxes))
        if opts.runs("postgres"):
            report["postgres"] = run.section("postgres", lambda: _postgres(run, opts, sandboxes))
        if opts.runs("remote"):
            report["remote"] = run.section("remote", lambda: _remote(opts, sandboxes))
        if opts.runs("scaling") and opts.sizes:
            main_run = (report.get("backfill") or {}).get("ours")
            report["scaling"] = run.section(
                "scaling",
                lambda: featurebase.scaling(
                    opts.size, opts.sizes, sandboxes, main_run, opts.workdir, with_dbt=opts.runs("dbt")
                ),
            )
    finally:
        for sandbox in sandboxes.values():
            sandbox.stop()
    if opts.runs("vendors"):
        report["vendors"] = _vendors(run, opts)
    if opts.runs("arrays"):
        report["feedbackkit_arrays"] = run.section("arrays", lambda: _arrays(run, opts))
    if opts.runs("rate-limit"):
        report["rate_limit"] = run.section(
            "rate-limit",
            lambda: usersloop_contract(opts.limited_feedback, opts.window_s, opts.change_fraction, opts.workdir),
        )
    if opts.runs("accounts"):
        report["many_accounts"] = run.section(
            "accounts", lambda: many_accounts(opts.accounts, opts.account_size, opts.workdir)
        )
    if opts.runs("four-vendors") or opts.runs("hourly"):
        four: dict[str, Sandbox] = {}
        try:
            four = run.section("four-vendor stand-ins", lambda: _four_vendor_sandboxes(run, opts)) or {}
            if four and opts.runs("four-vendors"):
                report["four_vendors"] = run.section(
                    "four-vendors", lambda: four_vendors(four, opts.workdir, opts.repeats)
                )
            if four and opts.runs("hourly"):
                report["hourly"] = run.section("hourly", lambda: hourly(four, opts.change_fraction, opts.workdir))
        finally:
            for sandbox in four.values():
                sandbox.stop()
    report = {k: v for k, v in report.items() if v is not None}
    report["targets"] = targets(report)
    report["machine"]["load_avg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    report["duration_s"] = round(time.monotonic() - started, 1)
    return report
