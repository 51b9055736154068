"""The run summary: what each account loaded, what the marts hold, the headline CSAT figure."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from pipelines.runner import LoadResult

SUMMARY_MARTS = (
    "fct_tickets",
    "fct_ticket_events",
    "fct_csat",
    "fct_feedback",
    "fct_votes",
    "fct_feedback_comments",
)


@dataclass
class RunSummary:
    loads: list[LoadResult] = field(default_factory=list)
    runs: list[dict[str, Any]] = field(default_factory=list)  # one entry per load run when a job makes several
    marts: dict[str, int] = field(default_factory=dict)
    csat_pct: float | None = None
    csat_ratings: int = 0
    published: str | None = None
    transform_error: str | None = None
    dbt_warnings: list[str] = field(default_factory=list)
    build: dict[str, Any] = field(default_factory=dict)  # what the transform step rebuilt (see build_plan)
    duration_s: float = 0.0

    @property
    def failed_loads(self) -> list[LoadResult]:
        return [load for load in self.loads if not load.ok]

    @property
    def quarantined(self) -> int:
        return sum(load.quarantined for load in self.loads)

    @property
    def ok(self) -> bool:
        return not self.failed_loads and self.transform_error is None

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["quarantined"] = self.quarantined
        data["ok"] = self.ok
        return data


def read_marts(published: Path) -> tuple[dict[str, int], float | None, int]:
    """Row counts of the headline marts and CSAT % (ratings 4-5 / all ratings) from the published file."""
    con = duckdb.connect(str(published), read_only=True)
    try:
        existing = {row[0] for row in con.execute("select table_name from duckdb_tables()").fetchall()}
        counts = {
            name: con.execute(f'select count(*) from "{name}"').fetchone()[0]
            for name in SUMMARY_MARTS
            if name in existing
        }
        csat_pct, ratings = None, 0
        if "fct_csat" in existing:
            positive, ratings = con.execute(
                "select count(*) filter (where is_positive), count(score) from fct_csat where not is_deleted"
            ).fetchone()
            csat_pct = round(100.0 * positive / ratings, 1) if ratings else None
        return counts, csat_pct, ratings
    finally:
        con.close()
