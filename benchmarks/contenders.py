"""The contenders and how one is measured: each in its own process against a stand-in process, wall time and
peak RSS its own, requests counted by the server (so every contender is counted the same way).

- `ours`: the real CLI, `feedback-warehouse run --warehouse X --no-transform`, configured by env vars the way
  a user does (`SOURCES__<VENDOR>__API_KEY/BASE_URL`), only the measured vendor(s) configured.
- `competent`: a competent dlt `rest_api` configuration (benchmarks/competent.py), every vendor.
- `naive`: dlt `rest_api` with defaults (benchmarks/naive.py), Featurebase only (the headline's second row).
- `ceiling`, `ceiling_stdlib`: Featurebase's minimal clients (benchmarks/ceiling.py); for the other vendors
  `ceiling` is their stdlib fetch + Arrow insert (benchmarks/vendor_ceilings.py).
"""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

from benchmarks.child import CLI, PYTHON, clean_env, run_child
from benchmarks.cli_output import parse_run_output
from benchmarks.sandbox import Sandbox


def ours_cmd(warehouse: Path, transform: bool = False, extra: tuple[str, ...] = ()) -> list[str]:
    return [CLI, "run", "--warehouse", str(warehouse), *(() if transform else ("--no-transform",)), *extra]


def ours_env(sandboxes: list[Sandbox], keys: int = 1) -> dict[str, str]:
    """Our CLI configured for these stand-ins only (see `Sandbox.env`)."""
    env = clean_env()
    for sandbox in sandboxes:
        env.update(sandbox.env(keys))
    return env


def contender_cmd(name: str, sandbox: Sandbox, db: Path) -> tuple[list[str], dict[str, str]]:
    if name == "ours":
        return ours_cmd(db), ours_env([sandbox])
    target = ["--base-url", sandbox.base_url, "--api-key", sandbox.api_key, "--db", str(db)]
    if name == "competent":
        return [PYTHON, "-m", "benchmarks.competent", "--vendor", sandbox.vendor, *target], clean_env()
    if sandbox.vendor == "featurebase":
        module = {"ceiling": "benchmarks.ceiling", "ceiling_stdlib": "benchmarks.ceiling", "naive": "benchmarks.naive"}
        cmd = [PYTHON, "-m", module[name], "--url", sandbox.url, "--api-key", sandbox.api_key, "--db", str(db)]
        return cmd + (["--client", "stdlib"] if name == "ceiling_stdlib" else []), clean_env()
    if name == "ceiling":
        return [PYTHON, "-m", "benchmarks.vendor_ceilings", "--vendor", sandbox.vendor, *target], clean_env()
    raise ValueError(f"no contender {name!r} for {sandbox.vendor}")


def measure(name: str, sandbox: Sandbox, db: Path, timeout: float | None = None, **env: str) -> dict[str, Any]:
    """One run of contender `name` against `sandbox` (counters reset first): wall, RSS, requests, records/s."""
    sandbox.reset()
    cmd, child_env = contender_cmd(name, sandbox, db)
    child_env.update(env)
    child = run_child(cmd, child_env, timeout)
    stats = sandbox.counts()
    requests = dict(sorted(stats["counts"].items()))
    result: dict[str, Any] = {
        "contender": name,
        "wall_s": child.wall_s,
        "records": sandbox.total_records,
        "records_per_s": round(sandbox.total_records / child.wall_s, 1) if child.wall_s else None,
        "requests": sum(requests.values()),
        "requests_by_endpoint": requests,
        "statuses": stats["statuses"],
        "peak_rss_mb": child.peak_rss_mb,
        "returncode": child.returncode,
        "ok": child.returncode == 0 and not child.timed_out,
    }
    if name == "ours":
        result["summary"] = parse_run_output(child.stdout)
    if not result["ok"]:
        result["stderr_tail"] = child.stderr_tail or child.stdout[-2000:]
    return result


def measure_repeated(
    contenders: list[str], sandbox: Sandbox, workdir: Path, repeats: int, prefix: str = "main"
) -> dict[str, dict[str, Any]]:
    """Each contender's backfill `repeats` times, round-robin so a slow spell of the machine (a shared VM: steal
    time comes and goes) hits every contender alike; the median wall time is the figure.

    Every repeat loads a fresh warehouse (a second run into the same one would be incremental); the last one
    is kept as `<prefix>-<name>.duckdb` for the runs that follow (incremental, no-change).
    """
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in contenders}
    for round_ in range(repeats):
        for name in contenders:
            last = round_ == repeats - 1
            db = workdir / (f"{prefix}-{name}.duckdb" if last else f"{prefix}-{name}-r{round_}.duckdb")
            runs[name].append(measure(name, sandbox, db))
    return {name: median_run(results) for name, results in runs.items()}


def median_run(results: list[dict[str, Any]]) -> dict[str, Any]:
    """The last run's details with the median wall time (and the records/s it gives), every run's wall time and
    the worst peak RSS."""
    median = statistics.median(r["wall_s"] for r in results)
    run = dict(results[-1])
    run["wall_s"] = round(median, 3)
    run["wall_s_runs"] = [r["wall_s"] for r in results]
    if "records" in run:
        run["records_per_s"] = round(run["records"] / median, 1) if median else None
    run["peak_rss_mb"] = max(r["peak_rss_mb"] for r in results)
    run["ok"] = all(r["ok"] for r in results)
    if not run["ok"]:
        run["stderr_tail"] = next(r["stderr_tail"] for r in results if not r["ok"])
    return run


def measure_cli(
    sandboxes: list[Sandbox],
    warehouse: Path,
    *,
    keys: int = 1,
    transform: bool = False,
    extra: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
) -> dict[str, Any]:
    """One run of our CLI against several stand-ins at once (several vendors, or one vendor's many accounts):
    wall and peak RSS, requests and 429s per vendor, and the run's own summary (steps, per-account seconds)."""
    for sandbox in sandboxes:
        sandbox.reset()
    child_env = ours_env(sandboxes, keys)
    child_env.update(env or {})
    child = run_child(ours_cmd(warehouse, transform, extra), child_env)
    requests: dict[str, dict[str, Any]] = {}
    for sandbox in sandboxes:
        stats = sandbox.counts()
        requests[sandbox.vendor] = {
            "requests": sum(stats["counts"].values()),
            "by_endpoint": dict(sorted(stats["counts"].items())),
            "throttled_429": int(stats["statuses"].get("429", 0)),
        }
    result: dict[str, Any] = {
        "wall_s": child.wall_s,
        "peak_rss_mb": child.peak_rss_mb,
        "requests": requests,
        "summary": parse_run_output(child.stdout),
        "ok": child.returncode == 0,
    }
    if not result["ok"]:
        result["stderr_tail"] = child.stderr_tail or child.stdout[-2000:]
    return result
