"""Four vendors in one run of ours (one account each, `--no-transform`) against each vendor alone, on the same
stand-ins and sizes, measured in the same benchmark run: a run should take about as long as its slowest vendor.

Remote-like conditions, because that is where loading vendors together pays (and what a real run meets): every
response takes `latency_ms`, Featurebase's 2,000/min and UsersLoop's 60/min are enforced by the stand-ins (and
kept by our client), UsersLoop's minute scaled to `window_s` seconds like the rate-limit section. Product7 and
FeedbackKit document no limit. On a local stand-in with no latency every vendor's load is CPU-bound, and
vendors sharing 2 cores (and the 4 stand-in processes) add up instead of overlapping.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from benchmarks.contenders import measure_cli, median_run
from benchmarks.sandbox import Sandbox
from sources.featurebase import settings as featurebase_settings
from sources.usersloop import settings as usersloop_settings


def configure_remote(sandboxes: dict[str, Sandbox], latency_ms: float, window_s: float) -> dict[str, Any]:
    """Latency on every stand-in, each vendor's documented limit enforced (UsersLoop's window scaled)."""
    limits = {
        "featurebase": (featurebase_settings.RATE_LIMIT_PER_MINUTE, 60.0),
        "usersloop": (usersloop_settings.RATE_LIMIT_PER_MINUTE, window_s),
    }
    for vendor, sandbox in sandboxes.items():
        limit, window = limits.get(vendor, (None, 60.0))
        sandbox.configure(latency_ms=latency_ms, rate_limit_per_minute=limit, rate_window_seconds=window)
    return {
        "latency_ms": latency_ms,
        "rate_limits": {v: {"per_window": lim, "window_s": w} for v, (lim, w) in limits.items()},
    }


def four_vendors(sandboxes: dict[str, Sandbox], workdir: Path, repeats: int) -> dict[str, Any]:
    """Each vendor alone, then all four in one run, `repeats` rounds round-robin; median wall times."""
    alone: dict[str, list[dict[str, Any]]] = {vendor: [] for vendor in sandboxes}
    together: list[dict[str, Any]] = []
    for round_ in range(repeats):
        for vendor, sandbox in sandboxes.items():
            alone[vendor].append(measure_cli([sandbox], workdir / f"four-{vendor}-r{round_}.duckdb"))
        together.append(measure_cli(list(sandboxes.values()), workdir / f"four-all-r{round_}.duckdb"))
    alone_runs = {vendor: median_run(runs) for vendor, runs in alone.items()}
    combined = median_run(together)
    slowest = max(alone_runs, key=lambda vendor: alone_runs[vendor]["wall_s"])
    return {
        "sizes": {vendor: dict(sandbox.records, total=sandbox.total_records) for vendor, sandbox in sandboxes.items()},
        "alone": alone_runs,
        "combined": combined,
        "slowest_vendor": slowest,
        "ratio_to_slowest": round(combined["wall_s"] / alone_runs[slowest]["wall_s"], 3),
        "ratio_to_sum": round(combined["wall_s"] / sum(r["wall_s"] for r in alone_runs.values()), 3),
    }
