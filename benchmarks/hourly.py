"""Hourly end to end with the four vendors in one warehouse: `run` (load + dbt + publish), first a backfill with
`--full-build`, then a run with nothing changed (the build plan skips dbt) and one after a 1 % change
(benchmarks/changes.py; dbt rebuilds what is downstream of the vendors that loaded). Same stand-ins and
conditions as the four-vendor section.

Steps come from the run's own summary (benchmarks/cli_output.py): load = the slowest account, dbt = the dbt
step, other = the job's remaining time (publish, the build plan, reading the marts back); process = the
child's wall time minus the job (interpreter start, imports, exit).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from benchmarks.changes import apply_change
from benchmarks.contenders import measure_cli
from benchmarks.sandbox import Sandbox


def _steps(run: dict[str, Any]) -> dict[str, Any]:
    summary = run["summary"]
    job = summary["job_s"]
    return {
        "wall_s": run["wall_s"],
        "load_s": summary["load_s"],
        "dbt_s": summary["dbt"]["seconds"],
        "dbt_kind": summary["dbt"]["kind"],
        "dbt_models": summary["dbt"]["models"],
        "other_s": summary["other_s"],
        "process_s": round(run["wall_s"] - job, 2) if job is not None else None,
        "rows": summary["rows"],
        "requests": {vendor: r["requests"] for vendor, r in run["requests"].items()},
        "peak_rss_mb": run["peak_rss_mb"],
        "ok": run["ok"],
        **({"stderr_tail": run["stderr_tail"]} if not run["ok"] else {}),
    }


def hourly(sandboxes: dict[str, Sandbox], fraction: float, workdir: Path) -> dict[str, Any]:
    warehouse = workdir / "hourly" / "warehouse.duckdb"
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    every = list(sandboxes.values())
    backfill = measure_cli(every, warehouse, transform=True, extra=("--full-build",))
    unchanged = measure_cli(every, warehouse, transform=True)
    changed = {vendor: apply_change(sandbox, fraction) for vendor, sandbox in sandboxes.items()}
    one_percent = measure_cli(every, warehouse, transform=True)
    return {
        "vendors": list(sandboxes),
        "backfill_full_build": _steps(backfill),
        "no_change": _steps(unchanged),
        "changed": changed,
        "one_percent": _steps(one_percent),
    }
