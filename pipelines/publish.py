"""Copy the marts into analytics.duckdb beside the warehouse, replacing it atomically.

Readers (dashboards, BI tools) open the published file read-only, so they never hold a lock the loader needs,
and they never see a half-written file: the copy is built under a temporary name and renamed over the old one.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from pipelines.warehouse import published_path

MARTS_SCHEMA = "marts"


def publish(warehouse: Path, target: Path | None = None) -> Path:
    target = target or published_path(warehouse)
    tmp = target.with_name(f".{target.name}.tmp")
    for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
        leftover.unlink(missing_ok=True)
    con = duckdb.connect(str(tmp))
    try:
        quoted = str(warehouse).replace("'", "''")
        con.execute(f"attach '{quoted}' as wh (read_only)")
        tables = [
            row[0]
            for row in con.execute(
                "select table_name from duckdb_tables() where database_name = 'wh' and schema_name = ? "
                "order by table_name",
                [MARTS_SCHEMA],
            ).fetchall()
        ]
        if not tables:
            raise RuntimeError(f"no marts in {warehouse} (schema {MARTS_SCHEMA}); run the transform first")
        for table in tables:
            con.execute(f'create table main."{table}" as select * from wh.{MARTS_SCHEMA}."{table}"')
        con.execute("detach wh")
        con.execute("checkpoint")
    finally:
        con.close()
    os.replace(tmp, target)
    return target
