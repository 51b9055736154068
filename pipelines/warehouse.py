"""Where the warehouse, its dlt state and the published copy live on disk."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

DEFAULT_WAREHOUSE = Path("data") / "warehouse.duckdb"
PUBLISHED_NAME = "analytics.duckdb"


def resolve_warehouse(path: str | Path | None = None) -> Path:
    """`--warehouse`, else `FEEDBACK_WAREHOUSE`, else ./data/warehouse.duckdb; parent directory created."""
    chosen = Path(path or os.environ.get("FEEDBACK_WAREHOUSE") or DEFAULT_WAREHOUSE).expanduser().resolve()
    chosen.parent.mkdir(parents=True, exist_ok=True)
    return chosen


def published_path(warehouse: Path) -> Path:
    return warehouse.with_name(PUBLISHED_NAME)


def pipelines_dir(warehouse: Path) -> Path:
    """dlt working state lives beside its warehouse, so two warehouses never share incremental state.

    If the warehouse file is gone but old state remains, the state is stale (it would make the next run skip
    everything already "seen"), so it is discarded and dlt starts from the destination, which is empty.
    """
    state_dir = warehouse.with_name(f".{warehouse.stem}.dlt")
    if state_dir.exists() and not warehouse.exists():
        shutil.rmtree(state_dir)
    return state_dir
