"""Read a warehouse's raw tables in tests, on either engine (through the engine seam's read-only queries)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from pipelines.warehouse import Warehouse


def raw_query(warehouse: Warehouse, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    return warehouse.query(sql, params)


def json_text(warehouse: Warehouse, column: str, key: str) -> str:
    """SQL for the text of `key` in a raw JSON column on the warehouse's engine."""
    if warehouse.engine == "postgres":
        return f"({column} ->> '{key}')"
    return f"json_extract_string({column}, '$.{key}')"


def has_table(warehouse: Warehouse, schema: str, table: str) -> bool:
    rows = warehouse.query(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?", [schema, table]
    )
    return bool(rows and rows[0][0])


def published(path: Path, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """A query on a published DuckDB file (the marts dashboards and BI tools read)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()
