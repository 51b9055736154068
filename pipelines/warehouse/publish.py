"""Publish the marts to a DuckDB file for the dashboards and BI tools, replacing the previous one atomically.

Readers open the published file read-only, so they never hold a lock the loader needs, and never see a
half-written file: the copy is built under a temporary name and renamed over the old one (a failed copy leaves
the old file in place). The file is written in an older storage format (PUBLISHED_STORAGE_VERSION) because
most BI drivers bundle DuckDB 1.x, which cannot open DuckDB 2.0's default format ("version number 999").
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from pipelines.warehouse.base import PUBLISHED_STORAGE_VERSION, STORAGE_VERSION_ENV, WarehouseError

if TYPE_CHECKING:
    from pipelines.warehouse.base import Warehouse

PUBLISHED_ALIAS = "published"
#: a table beside the marts in the published file: the warn-level dbt test results of the build that produced
#: them (the data-health page shows them; empty when the build had no warnings)
BUILD_WARNINGS_TABLE = "build_warnings"
#: and the load freshness per vendor and account (from the raw `runs` and `_dlt_loads` tables, without dbt), so a
#: run that found nothing new (no dbt, no re-publish of the marts) still tells the dashboards it ran
LOAD_FRESHNESS_TABLE = "load_freshness"


def storage_version() -> str:
    return os.environ.get(STORAGE_VERSION_ENV) or PUBLISHED_STORAGE_VERSION


def publish(warehouse: Warehouse, build_warnings: list[str] | None = None) -> Path:
    target = warehouse.published_path
    tmp = target.with_name(f".{target.name}.tmp")
    for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
        leftover.unlink(missing_ok=True)
    con = duckdb.connect()
    try:
        quoted = str(tmp).replace("'", "''")
        version = storage_version().replace("'", "")
        try:
            con.execute(f"attach '{quoted}' as {PUBLISHED_ALIAS} (storage_version '{version}')")
        except duckdb.Error as exc:
            raise WarehouseError(
                f"cannot write the published file with storage version {version!r} ({exc}). "
                f"Fix: set {STORAGE_VERSION_ENV} to a DuckDB storage version such as v1.1.0"
            ) from None
        tables = warehouse.copy_marts(con)
        if not tables:
            raise WarehouseError(f"no marts in {warehouse.describe()}; run `feedback-warehouse transform` first")
        con.execute(
            f"create table {PUBLISHED_ALIAS}.main.{BUILD_WARNINGS_TABLE} "
            "(test_id varchar, message varchar, built_at timestamp with time zone)"
        )
        for warning in build_warnings or []:
            test_id, _, message = warning.partition(": ")
            con.execute(
                f"insert into {PUBLISHED_ALIAS}.main.{BUILD_WARNINGS_TABLE} values (?, ?, now())", [test_id, message]
            )
        _write_freshness(con, warehouse)
        con.execute(f"checkpoint {PUBLISHED_ALIAS}")
        con.execute(f"detach {PUBLISHED_ALIAS}")
    except BaseException:
        con.close()
        for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
            leftover.unlink(missing_ok=True)
        raise
    con.close()
    os.replace(tmp, target)
    return target


def _write_freshness(con: duckdb.DuckDBPyConnection, warehouse: Warehouse) -> None:
    con.execute(f"drop table if exists {PUBLISHED_ALIAS}.main.{LOAD_FRESHNESS_TABLE}")
    con.execute(
        f"create table {PUBLISHED_ALIAS}.main.{LOAD_FRESHNESS_TABLE} (source_system varchar, source_account varchar, "
        "last_success_at timestamp with time zone, successful_runs bigint)"
    )
    rows = warehouse.load_freshness()
    if rows:
        con.executemany(f"insert into {PUBLISHED_ALIAS}.main.{LOAD_FRESHNESS_TABLE} values (?, ?, ?, ?)", rows)


def refresh_freshness(warehouse: Warehouse) -> Path:
    """A run that loaded nothing new: the published marts stay as they are, only their load freshness is
    rewritten (a copy of the file, updated, renamed over it: readers never see half a file)."""
    import shutil

    target = warehouse.published_path
    tmp = target.with_name(f".{target.name}.tmp")
    shutil.copyfile(target, tmp)
    con = duckdb.connect()
    try:
        quoted = str(tmp).replace("'", "''")
        con.execute(f"attach '{quoted}' as {PUBLISHED_ALIAS}")
        _write_freshness(con, warehouse)
        con.execute(f"checkpoint {PUBLISHED_ALIAS}")
        con.execute(f"detach {PUBLISHED_ALIAS}")
    finally:
        con.close()
    os.replace(tmp, target)
    return target
