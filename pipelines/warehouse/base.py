"""The engine seam: everything that differs between warehouse engines, behind one interface.

runner, jobs, flows, the CLI, summary and reporting talk to a `Warehouse`; only the engine modules
(`pipelines/warehouse/duckdb.py`, `postgres.py`) know how to connect, lock, load and publish. A new engine
(MotherDuck, Snowflake, BigQuery, ClickHouse) is a module here: a dlt destination, a dbt target, a writer lock,
a way to copy the marts out, and read-only queries.

Every engine keeps its local files beside one local path, the *anchor* (`--warehouse` / `$FEEDBACK_WAREHOUSE`,
default `data/warehouse.duckdb`): for DuckDB the anchor is the warehouse file itself; for a server engine no file
is written there, but dlt's working state, dbt's build directory and the published `analytics.duckdb` for the
dashboards live beside it.
"""

from __future__ import annotations

import os
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import duckdb

from pipelines.errors import ConfigError

DEFAULT_ANCHOR = Path("data") / "warehouse.duckdb"
PUBLISHED_NAME = "analytics.duckdb"
MARTS_SCHEMA = "marts"
#: the storage format of the published file: what DuckDB 1.1+ (and the BI drivers bundling it) can read.
#: The marts need nothing newer; teams on newer drivers may raise it (FEEDBACK_PUBLISHED_STORAGE_VERSION).
PUBLISHED_STORAGE_VERSION = "v1.1.0"
STORAGE_VERSION_ENV = "FEEDBACK_PUBLISHED_STORAGE_VERSION"


class WarehouseError(ConfigError):
    """A warehouse that cannot be used as configured (not a DuckDB file, unwritable, unreachable server):
    a user's configuration mistake, reported as one line with the fix (CLI exit code 2)."""


def resolve_anchor(path: str | Path | None = None) -> Path:
    """`--warehouse`, else `FEEDBACK_WAREHOUSE`, else ./data/warehouse.duckdb (absolute, not created)."""
    return Path(path or os.environ.get("FEEDBACK_WAREHOUSE") or DEFAULT_ANCHOR).expanduser().resolve()


def published_path_for(anchor: Path) -> Path:
    """The published marts tied to their warehouse: `analytics.duckdb` beside `warehouse.duckdb`, otherwise
    `<stem>.analytics.duckdb`, so two warehouses in one folder never overwrite each other's published file."""
    if anchor.name == "warehouse.duckdb":
        return anchor.with_name(PUBLISHED_NAME)
    return anchor.with_name(f"{anchor.stem}.{PUBLISHED_NAME}")


_SLOTS: dict[str, threading.Lock] = {}
_SLOTS_GUARD = threading.Lock()


def _slot(name: str) -> threading.Lock:
    with _SLOTS_GUARD:
        return _SLOTS.setdefault(name, threading.Lock())


class Warehouse(ABC):
    """One warehouse: where raw data is loaded, dbt builds the marts, and from where they are published."""

    engine: str
    loader_file_format: str
    dbt_target: str
    #: whether two datasets may load at the same time (a server warehouse), or every load takes turns (one file)
    parallel_loads: bool = False

    def __init__(self, anchor: Path) -> None:
        self.anchor = anchor

    # -- local files ---------------------------------------------------------------------------------------
    @property
    def published_path(self) -> Path:
        return published_path_for(self.anchor)

    @property
    def state_dir(self) -> Path:
        """dlt's working state (pipelines, pending load packages), one per warehouse."""
        return self.anchor.with_name(f".{self.anchor.stem}.dlt")

    @property
    def build_dir(self) -> Path:
        """dbt's target and logs, one per warehouse (never shared partial-parse state)."""
        return self.anchor.with_name(f".{self.anchor.stem}.dbt")

    @property
    def lock_path(self) -> Path:
        return self.anchor.with_name(f"{self.anchor.name}.lock")

    def local_files(self) -> list[Path]:
        """Every file or folder this warehouse creates beside its anchor (the demo's reset removes only
        these), lock file excluded: a held lock is never deleted."""
        published = self.published_path
        return [
            self.state_dir,
            self.build_dir,
            published,
            published.with_name(f".{published.name}.tmp"),
            published.with_name(f".{published.name}.tmp.wal"),
        ]

    # -- engine specifics ---------------------------------------------------------------------------------
    @abstractmethod
    def describe(self) -> str:
        """Where the warehouse is, for messages (never a password)."""

    @abstractmethod
    def exists(self) -> bool:
        """Whether anything was ever loaded (a DuckDB file, a reachable database with our datasets)."""

    @abstractmethod
    def validate(self) -> None:
        """Raise WarehouseError when the warehouse cannot be written as configured: checked before a run
        extracts anything, so a wrong setting costs a second, not a whole extract."""

    @abstractmethod
    def dlt_destination(self) -> Any:
        """The dlt destination object the pipelines load into."""

    @abstractmethod
    def dbt_env(self) -> dict[str, str]:
        """Environment variables the dbt profile (transforms/profiles.yml) reads for this engine's target."""

    @abstractmethod
    def lock(
        self, wait_seconds: float = 0.0, on_wait: Callable[[Exception], None] | None = None
    ) -> AbstractContextManager[Any]:
        """The single-writer lock (held for load + transform + publish); raises WarehouseBusy when taken."""

    @abstractmethod
    def query(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> list[tuple[Any, ...]]:
        """A read-only query (qmark `?` parameters); for status, freshness and run reports."""

    @abstractmethod
    def copy_marts(self, target: duckdb.DuckDBPyConnection) -> list[str]:
        """Copy every table of the `marts` schema into `target`'s main schema; returns the table names."""

    @abstractmethod
    def prepare_for_load(self) -> None:
        """Called before a run loads (e.g. discard dlt state that outlived its warehouse)."""

    # -- shared behaviour ---------------------------------------------------------------------------------
    def load_slot(self, dataset: str) -> threading.Lock:
        """The lock a pipeline's load step holds: one per warehouse for an engine with a single writer, one per
        dataset otherwise (accounts of one vendor merge into the same tables through the same staging tables)."""
        return _slot(f"{self.describe()}|{dataset if self.parallel_loads else '*'}")

    def loaded_datasets(self, candidates: list[str]) -> list[str]:
        """Which of `candidates` (vendor datasets) have dlt's `_dlt_loads` table, i.e. were ever loaded."""
        if not self.exists() or not candidates:
            return []
        marks = ", ".join("?" for _ in candidates)
        rows = self.query(
            "select table_schema from information_schema.tables "
            f"where table_name = '_dlt_loads' and table_schema in ({marks})",
            list(candidates),
        )
        found = {row[0] for row in rows}
        return [name for name in candidates if name in found]

    def publish(self, build_warnings: list[str] | None = None) -> Path:
        """Copy the marts into the published DuckDB file under a temporary name, then rename it over the old one:
        a reader sees the old file or the new one, never half of one; a failed copy leaves the old file. The
        build's warn-level test results go beside them (`build_warnings`)."""
        from pipelines.warehouse.publish import publish

        return publish(self, build_warnings)

    def load_freshness(self) -> list[tuple[Any, ...]]:
        """(vendor, account, last successful load, successful runs) from every loaded dataset's `runs` table,
        whose rows say which account each load was for, joined to dlt's `_dlt_loads`."""
        from pipelines.vendors import VENDOR_NAMES

        rows: list[tuple[Any, ...]] = []
        for dataset in self.loaded_datasets(list(VENDOR_NAMES)):
            if not self.query(
                "select 1 from information_schema.tables where table_schema = ? and table_name = 'runs'", [dataset]
            ):
                continue
            rows += self.query(
                f"select '{dataset}', runs.source_account, max(loads.inserted_at), count(distinct loads.load_id) "
                f'from "{dataset}".runs as runs inner join "{dataset}"._dlt_loads as loads '
                "on loads.load_id = runs._dlt_load_id and loads.status = 0 group by runs.source_account"
            )
        return rows

    def iter_raw_tables(self, datasets: list[str]) -> Iterator[tuple[str, str]]:
        """(dataset, table) of every raw table dlt wrote in `datasets` (dlt's own `_dlt_*` tables excluded)."""
        if not datasets:
            return
        marks = ", ".join("?" for _ in datasets)
        rows = self.query(
            "select table_schema, table_name from information_schema.tables "
            f"where table_schema in ({marks}) and table_name not like '\\_dlt%' escape '\\' "
            "order by table_schema, table_name",
            list(datasets),
        )
        yield from ((row[0], row[1]) for row in rows)
