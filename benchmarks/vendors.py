"""Per vendor (Product7, FeedbackKit, UsersLoop): the backfill of one workspace by ours, by a competent dlt
`rest_api` configuration for that vendor and by a fetch + insert ceiling for it, `repeats` times each,
round-robin, median wall time. No latency and no rate limit anywhere: UsersLoop's 60/min is lifted on the
server and in our client (SOURCES__USERSLOOP__RATE_LIMIT_PER_MINUTE=0), and so is Product7's own polite
1,200/min, because neither other contender limits itself. The contract limit has its own section
(benchmarks/rate_limit.py)."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from benchmarks.child import table_rows
from benchmarks.contenders import measure_repeated
from benchmarks.sandbox import Sandbox

VENDORS = ("product7", "feedbackkit", "usersloop")
CONTENDERS = ("ceiling", "competent", "ours")


def unavailable(vendor: str) -> str | None:
    """Why a vendor cannot be benchmarked yet (its source package does not import or is not registered)."""
    try:
        from pipelines.vendors import get_vendor

        spec = get_vendor(vendor)
        importlib.import_module(spec.source.partition(":")[0])
        spec.sandbox_vendor()
    except Exception as exc:  # a source still being written: skip it, say why
        return f"{vendor} skipped: {type(exc).__name__}: {exc}"
    return None


def backfill(vendor: str, scale: int, workdir: Path, repeats: int) -> dict[str, Any]:
    """Ours vs competent vs ceiling on one `vendor` workspace of `scale` (its stand-in's main size knob)."""
    sandbox = Sandbox.sized(vendor, scale)
    try:
        runs = measure_repeated(list(CONTENDERS), sandbox, workdir, repeats, prefix=vendor)
    finally:
        sandbox.stop()
    for name, run in runs.items():
        run["rows_loaded"] = table_rows(workdir / f"{vendor}-{name}.duckdb")
    ours = runs["ours"]["records_per_s"]
    return {
        "scale": scale,
        "records": dict(sandbox.records, total=sandbox.total_records),
        "runs": runs,
        "ratios": {
            "ours_vs_competent": round(ours / runs["competent"]["records_per_s"], 3),
            "ours_vs_ceiling": round(ours / runs["ceiling"]["records_per_s"], 3),
        },
    }
