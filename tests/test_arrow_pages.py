"""Pages as Arrow tables keep the shape dicts would have had: what each kind of value becomes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import orjson
import pyarrow as pa

from sources.common.arrow import rows_to_table


def test_scalars_keep_their_types_and_nested_values_become_json_text() -> None:
    rows = [
        {"id": "a", "n": 1, "score": 1, "at": datetime(2026, 1, 1, tzinfo=UTC), "author": {"id": "u1"}, "ok": True},
        {"id": "b", "n": 2, "score": 2.5, "at": datetime(2026, 1, 2, tzinfo=UTC), "author": None, "tags": ["x"]},
    ]
    table, json_columns = rows_to_table(rows)

    assert table.column_names == ["id", "n", "score", "at", "author", "ok", "tags"]
    types = dict(zip(table.column_names, table.schema.types, strict=True))
    assert types["id"] == pa.string() and types["n"] == pa.int64() and types["score"] == pa.float64()
    assert types["at"] == pa.timestamp("us", tz="UTC") and types["ok"] == pa.bool_()
    assert json_columns == {"author", "tags"}
    assert table.column("author").to_pylist() == ['{"id":"u1"}', None]
    assert table.column("ok").to_pylist() == [True, None]  # a key a row lacks is null there
    assert orjson.loads(table.column("tags")[1].as_py()) == ["x"]


def test_mixed_types_become_json_text_and_all_null_columns_are_left_out() -> None:
    rows = [{"ref": 7, "flag": None, "mixed": {"a": 1}}, {"ref": "seven", "flag": None, "mixed": 3}]
    table, json_columns = rows_to_table(rows)

    assert "flag" not in table.column_names  # its type is unknown: the first page with a value adds it
    assert json_columns == {"ref", "mixed"}
    assert table.column("ref").to_pylist() == ["7", '"seven"']
    assert table.column("mixed").to_pylist() == ['{"a":1}', "3"]


def test_timestamps_in_any_offset_are_the_same_instants_in_utc() -> None:
    plus_two = timezone(timedelta(hours=2))
    rows = [{"at": datetime(2026, 1, 1, 12, tzinfo=plus_two)}, {"at": datetime(2026, 1, 1, 12, tzinfo=UTC)}]
    table, _ = rows_to_table(rows)

    assert table.schema.field("at").type == pa.timestamp("us", tz="UTC")
    assert table.column("at").to_pylist() == [
        datetime(2026, 1, 1, 10, tzinfo=UTC),
        datetime(2026, 1, 1, 12, tzinfo=UTC),
    ]


def test_an_empty_page_is_an_empty_table() -> None:
    table, json_columns = rows_to_table([])
    assert table.num_rows == 0 and table.num_columns == 0 and json_columns == set()
