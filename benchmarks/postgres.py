"""The headline's Featurebase backfill into PostgreSQL, beside ours into DuckDB, measured in the same run: with
dlt's `csv` loader (COPY, our default) and with `insert_values` (dlt's default for PostgreSQL), so the choice of
loader format rests on a figure. A throwaway server (tools/postgres_server.py, `fsync=off` like the tests), a
fresh database per run; `--no-transform`, as the DuckDB headline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from benchmarks.contenders import measure, median_run
from benchmarks.sandbox import Sandbox

FORMATS = ("csv", "insert_values")


def postgres_backfill(sandbox: Sandbox, workdir: Path, repeats: int, duckdb_run: dict[str, Any] | None) -> dict:
    from tools.postgres_server import postgres_server

    runs: dict[str, list[dict[str, Any]]] = {fmt: [] for fmt in FORMATS}
    with postgres_server() as server:
        for round_ in range(repeats):
            for fmt in FORMATS:  # round-robin, as every other comparison here
                _, dsn = server.new_database()
                env = {
                    "FEEDBACK_WAREHOUSE_ENGINE": "postgres",
                    "DESTINATION__POSTGRES__CREDENTIALS": dsn,
                    "FEEDBACK_WAREHOUSE_PG_FILE_FORMAT": fmt,
                }
                runs[fmt].append(measure("ours", sandbox, workdir / f"pg-{fmt}-r{round_}" / "anchor.duckdb", **env))
    out: dict[str, Any] = {fmt: median_run(results) for fmt, results in runs.items()}
    for run in out.values():
        run.pop("summary", None)
    csv, insert = out["csv"]["records_per_s"], out["insert_values"]["records_per_s"]
    out["ratios"] = {"csv_vs_insert_values": round(csv / insert, 3) if csv and insert else None}
    if duckdb_run and duckdb_run.get("records_per_s") and csv:
        out["ratios"]["postgres_csv_vs_duckdb"] = round(csv / duckdb_run["records_per_s"], 3)
        out["duckdb_records_per_s"] = duckdb_run["records_per_s"]
    return out
