"""Warehouse engines behind one seam (see base.py): DuckDB (the embedded default) and PostgreSQL."""

from __future__ import annotations

import os
from pathlib import Path

from pipelines.warehouse.base import (
    DEFAULT_ANCHOR,
    PUBLISHED_NAME,
    Warehouse,
    WarehouseError,
    published_path_for,
    resolve_anchor,
)

ENGINE_ENV = "FEEDBACK_WAREHOUSE_ENGINE"
ENGINES = ("duckdb", "postgres")
DEFAULT_ENGINE = "duckdb"


def engine_name(engine: str | None = None) -> str:
    chosen = (engine or os.environ.get(ENGINE_ENV) or DEFAULT_ENGINE).lower()
    if chosen not in ENGINES:
        raise WarehouseError(
            f"unknown engine {chosen!r}. Fix: use one of {', '.join(ENGINES)} (--engine or {ENGINE_ENV})"
        )
    return chosen


def open_warehouse(path: str | Path | None = None, engine: str | None = None) -> Warehouse:
    """The configured warehouse: `--engine` / FEEDBACK_WAREHOUSE_ENGINE (default duckdb), anchored at
    `--warehouse` / FEEDBACK_WAREHOUSE (default data/warehouse.duckdb). Nothing is created or connected yet."""
    anchor = resolve_anchor(path)
    name = engine_name(engine)
    if name == "postgres":
        from pipelines.warehouse.postgres import PostgresWarehouse

        return PostgresWarehouse(anchor)
    from pipelines.warehouse.duckdb import DuckDBWarehouse

    return DuckDBWarehouse(anchor)


__all__ = [
    "DEFAULT_ANCHOR",
    "ENGINE_ENV",
    "PUBLISHED_NAME",
    "Warehouse",
    "WarehouseError",
    "engine_name",
    "open_warehouse",
    "published_path_for",
    "resolve_anchor",
]
