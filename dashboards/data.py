"""Read the published analytics.duckdb: where it is, and short-lived read-only queries cached on its mtime.

The dashboards never open the warehouse the loader writes. Each query opens the published file read-only and
closes it at once, so a publish (an atomic os.replace of the file) is never blocked and the next query after it
sees the new file: the cache key includes the file's modification time.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from pipelines.warehouse.base import DEFAULT_ANCHOR, PUBLISHED_NAME, published_path_for

DEMO_PUBLISHED = Path("data") / "demo" / PUBLISHED_NAME
FRESHNESS_ENV = "FEEDBACK_FRESHNESS_HOURS"
DEFAULT_FRESHNESS_HOURS = 2.0  # 2x the hourly schedule in prefect.yaml


def _argv_option(name: str) -> str | None:
    """`streamlit run dashboards/app.py -- --published PATH` passes script args after `--`."""
    args = sys.argv[1:]
    for index, arg in enumerate(args):
        if arg == name and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith(f"{name}="):
            return arg.split("=", 1)[1]
    return None


def published_file() -> Path:
    """`--published` / FEEDBACK_PUBLISHED, else analytics.duckdb beside `--warehouse` / FEEDBACK_WAREHOUSE /
    data/warehouse.duckdb (the same lookup as the CLI)."""
    explicit = _argv_option("--published") or os.environ.get("FEEDBACK_PUBLISHED")
    if explicit:
        return Path(explicit).expanduser().resolve()
    warehouse = _argv_option("--warehouse") or os.environ.get("FEEDBACK_WAREHOUSE") or DEFAULT_ANCHOR
    return published_path_for(Path(warehouse).expanduser().resolve())


def freshness_hours() -> float:
    """How old the last successful load may be before Data health warns (FEEDBACK_FRESHNESS_HOURS, default 2)."""
    try:
        return float(os.environ.get(FRESHNESS_ENV, DEFAULT_FRESHNESS_HOURS))
    except ValueError:
        return DEFAULT_FRESHNESS_HOURS


@dataclass(frozen=True)
class Published:
    """The published file as of this script run; `version` (mtime) keys every cached query."""

    path: Path
    version: int

    @classmethod
    def current(cls) -> Published | None:
        path = published_file()
        try:
            return cls(path, path.stat().st_mtime_ns)
        except FileNotFoundError:
            return None

    def query(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> pd.DataFrame:
        return _cached_query(str(self.path), self.version, sql, tuple(params))

    def tables(self) -> set[str]:
        frame = self.query("select table_name from duckdb_tables() where schema_name = 'main'")
        return set(frame["table_name"])

    def has(self, *tables: str) -> bool:
        return set(tables) <= self.tables()


def _connect(path: str) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(path, read_only=True)


@st.cache_data(show_spinner=False, max_entries=512)
def _cached_query(path: str, version: int, sql: str, params: tuple[Any, ...]) -> pd.DataFrame:
    """`version` is unused in the body: it is the cache key that makes a re-published file miss the cache."""
    del version
    con = _connect(path)
    try:
        cursor = con.execute(sql, list(params))
        columns = [column[0] for column in cursor.description]
        return pd.DataFrame.from_records(cursor.fetchall(), columns=columns)
    finally:
        con.close()


def in_list(column: str, values: list[Any] | tuple[Any, ...]) -> tuple[str, list[Any]]:
    """A `column in (?, ...)` filter; an empty selection means no filter (Streamlit multiselect semantics)."""
    if not values:
        return "true", []
    return f"{column} in ({', '.join('?' for _ in values)})", list(values)


def source_label_sql(prefix: str = "") -> str:
    """`vendor / account`: how every page names a source, so filters work the same for every vendor."""
    return f"{prefix}source_system || ' / ' || {prefix}source_account"
