"""Rows of one page as an Arrow table, so dlt writes them to parquet without normalizing dict by dict.

Why: in a backfill most records are detail rows (conversation parts), and dlt's per-dict extract and normalize
was the larger half of the pipeline's CPU time; an Arrow table goes to parquet in one call (DESIGN.md measured
~2x over dicts). The shape stays what dicts gave: one column per field, nested objects and arrays as JSON
(`json_columns` tells dlt their type), a field that appears later simply adds a column (dlt's schema evolution).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import orjson
import pyarrow as pa

# DuckDB stores timestamps in microseconds; a tz-aware column keeps the UTC instant the vendor sent.
_TIMESTAMP = pa.timestamp("us", tz="UTC")


def _json_text(value: Any) -> str | None:
    return None if value is None else orjson.dumps(value).decode()


def _column(values: list[Any]) -> tuple[pa.Array, bool]:
    """(array, is_json): objects and arrays become JSON text; scalars keep their type; mixed types become JSON
    text too, so one odd record never fails a whole page (dicts would have made a variant column instead)."""
    kinds = {type(v) for v in values if v is not None}
    if not kinds:
        return pa.nulls(len(values)), False
    if kinds & {dict, list}:
        return pa.array([_json_text(v) for v in values], pa.string()), True
    if kinds <= {datetime}:
        return pa.array(values, _TIMESTAMP), False
    if kinds == {int, float}:
        return pa.array(values, pa.float64()), False
    if len(kinds) == 1:
        try:
            return pa.array(values), False
        except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
            pass
    return pa.array([_json_text(v) for v in values], pa.string()), True


def rows_to_table(rows: Sequence[dict[str, Any]]) -> tuple[pa.Table, set[str]]:
    """One table with a column per key seen in any row (missing = null), and the names of its JSON columns.

    Columns that are null in every row are left out: their type is unknown here, and dlt adds the column
    with the right type from the first page that has a value.
    """
    names: dict[str, None] = {}
    json_columns: set[str] = set()
    scalar_columns: set[str] = set()
    timestamp_columns: set[str] = set()
    prepared: list[dict[str, Any]] = []
    for row in rows:
        out = dict(row)
        for name, value in row.items():
            if isinstance(value, dict | list):
                json_columns.add(name)
                out[name] = _json_text(value)
            elif isinstance(value, datetime):
                timestamp_columns.add(name)
            elif value is not None:
                scalar_columns.add(name)
        names.update(out)
        prepared.append(out)
    for name in json_columns & scalar_columns:  # an object here, a scalar there: JSON text for all of them
        for out, row in zip(prepared, rows, strict=True):
            out[name] = _json_text(row.get(name))
    if prepared:
        # Arrow takes the column names from the first row and infers each column's type from all rows
        prepared[0] = {name: prepared[0].get(name) for name in names}
    try:
        table = pa.Table.from_pylist(prepared)
        for name in timestamp_columns:
            index = table.schema.get_field_index(name)
            if table.schema.field(index).type != _TIMESTAMP:  # naive or another offset: the same instants in UTC
                table = table.set_column(index, name, table.column(index).cast(_TIMESTAMP))
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        table, json_columns = _table_column_by_column(rows, names)
    keep = [name for name in table.column_names if not pa.types.is_null(table.schema.field(name).type)]
    if len(keep) < table.num_columns:
        table = table.select(keep)
    return table, json_columns & set(keep)


def _table_column_by_column(rows: Sequence[dict[str, Any]], names: dict[str, None]) -> tuple[pa.Table, set[str]]:
    """The slow path for pages whose columns mix scalar types (an id that is a number here, a string there)."""
    arrays: list[pa.Array] = []
    json_columns: set[str] = set()
    for name in names:
        array, is_json = _column([row.get(name) for row in rows])
        arrays.append(array)
        if is_json:
            json_columns.add(name)
    return pa.Table.from_arrays(arrays, names=list(names)), json_columns
