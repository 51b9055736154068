"""DuckDB, the embedded default: one file, loaded by dlt, built by dbt-duckdb, one writer at a time."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import duckdb

from pipelines.warehouse.base import MARTS_SCHEMA, Warehouse, WarehouseError
from pipelines.warehouse.publish import PUBLISHED_ALIAS

# A DuckDB database file has this magic at byte 8 (checked before a run extracts anything, so pointing
# `--warehouse` at a CSV or a SQLite file fails in a second, with the fix, instead of after a whole extract).
_DUCKDB_MAGIC = b"DUCK"


def is_duckdb_file(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            header = handle.read(12)
    except OSError:
        return False
    return header[8:12] == _DUCKDB_MAGIC


class DuckDBWarehouse(Warehouse):
    engine = "duckdb"
    loader_file_format = "parquet"
    dbt_target = "duckdb"

    def describe(self) -> str:
        return str(self.anchor)

    def exists(self) -> bool:
        return self.anchor.exists()

    def local_files(self) -> list[Path]:
        return [
            self.anchor,
            self.anchor.with_name(f"{self.anchor.name}.wal"),
            self.anchor.with_name(f"{self.anchor.name}.tmp"),  # DuckDB spills loads here
            *super().local_files(),
        ]

    def validate(self) -> None:
        folder = self.anchor.parent
        if self.anchor.is_dir():
            raise WarehouseError(
                f"{self.anchor} is a directory. Fix: pass a file path to --warehouse (…/warehouse.duckdb)"
            )
        if self.anchor.exists():
            if not is_duckdb_file(self.anchor) and self.anchor.stat().st_size > 0:
                raise WarehouseError(
                    f"{self.anchor} is not a DuckDB database. Fix: point --warehouse (or FEEDBACK_WAREHOUSE) at a "
                    "DuckDB file, or at a path that does not exist yet"
                )
            if not os.access(self.anchor, os.W_OK):
                raise WarehouseError(f"{self.anchor} is read-only. Fix: make it writable or choose another --warehouse")
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WarehouseError(
                f"cannot create {folder} ({exc.strerror}). Fix: choose a writable --warehouse"
            ) from None
        if not os.access(folder, os.W_OK):
            raise WarehouseError(
                f"{folder} is not writable. Fix: choose a writable --warehouse (or FEEDBACK_WAREHOUSE)"
            )

    def validate_readable(self) -> None:
        """For read-only commands (status, transform's input): the file must be a DuckDB database."""
        if self.anchor.exists() and not is_duckdb_file(self.anchor):
            raise WarehouseError(
                f"{self.anchor} is not a DuckDB database. Fix: point --warehouse (or FEEDBACK_WAREHOUSE) at the "
                "warehouse file"
            )

    def dlt_destination(self) -> Any:
        import dlt

        return dlt.destinations.duckdb(str(self.anchor))

    def dbt_env(self) -> dict[str, str]:
        return {"FEEDBACK_WAREHOUSE": str(self.anchor)}

    def lock(
        self, wait_seconds: float = 0.0, on_wait: Callable[[Exception], None] | None = None
    ) -> AbstractContextManager[Any]:
        from pipelines.lock import warehouse_lock

        return warehouse_lock(self.anchor, wait_seconds, on_wait)

    def prepare_for_load(self) -> None:
        """dlt state without its warehouse file is stale (its cursors would skip everything already "seen"
        against an empty warehouse), so it is discarded and dlt starts from the destination, which is empty."""
        if self.state_dir.exists() and not self.anchor.exists():
            shutil.rmtree(self.state_dir)

    def _connect(self) -> duckdb.DuckDBPyConnection:
        self.validate_readable()
        try:
            return duckdb.connect(str(self.anchor), read_only=True)
        except duckdb.ConnectionException:
            # this process still has the file open read-write (dlt/dbt just wrote it): share that configuration
            return duckdb.connect(str(self.anchor))
        except duckdb.IOException as exc:
            raise WarehouseError(f"cannot open {self.anchor}: {' '.join(str(exc).split())}") from None

    def query(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> list[tuple[Any, ...]]:
        con = self._connect()
        try:
            return con.execute(sql, list(params)).fetchall()
        finally:
            con.close()

    def copy_marts(self, target: duckdb.DuckDBPyConnection) -> list[str]:
        quoted = str(self.anchor).replace("'", "''")
        target.execute(f"attach '{quoted}' as wh (read_only)")
        try:
            tables = [
                row[0]
                for row in target.execute(
                    "select table_name from duckdb_tables() where database_name = 'wh' and schema_name = ? "
                    "order by table_name",
                    [MARTS_SCHEMA],
                ).fetchall()
            ]
            for table in tables:
                target.execute(
                    f'create table {PUBLISHED_ALIAS}.main."{table}" as select * from wh.{MARTS_SCHEMA}."{table}"'
                )
        finally:
            target.execute("detach wh")
        return tables
