"""The contract suite runs every test on both warehouse engines."""

from __future__ import annotations

import pytest

from pipelines.warehouse import Warehouse


@pytest.fixture(params=["duckdb", "postgres"])
def warehouse(request: pytest.FixtureRequest) -> Warehouse:
    """The embedded DuckDB file, then a PostgreSQL database of the session's throwaway server."""
    return request.getfixturevalue("pg_warehouse" if request.param == "postgres" else "duck_warehouse")


@pytest.fixture
def duck_warehouse(tmp_path) -> Warehouse:  # noqa: ANN001
    from pipelines.warehouse import open_warehouse

    return open_warehouse(tmp_path / "wh" / "warehouse.duckdb", "duckdb")
