"""Run reports: what each account loaded, how fresh each vendor is, and the headline metrics.

Plain functions over the run summary, the warehouse and the published file, so the CLI summary and the Prefect
artifacts (a table and a markdown page per run) show the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from pipelines.summary import RunSummary
from pipelines.vendors import VENDOR_NAMES
from pipelines.warehouse import Warehouse

NO_FEEDBACK = "no feedback loaded yet"
TOP_FEATURES = 5


@dataclass
class Headline:
    csat_pct: float | None = None
    csat_ratings: int = 0
    median_first_response_minutes: float | None = None
    top_features: list[tuple[str, int]] = field(default_factory=list)
    feedback_loaded: bool = False


def _connect(path: Path) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(str(path), read_only=True)
    except duckdb.ConnectionException:
        # this process still has the file open read-write (dlt/dbt just wrote it): share that configuration
        return duckdb.connect(str(path))


def _tables(con: duckdb.DuckDBPyConnection, schema: str = "main") -> dict[str, set[str]]:
    rows = con.execute(
        "select table_name, column_name from duckdb_columns() where schema_name = ? and database_name = "
        "current_database()",
        [schema],
    ).fetchall()
    tables: dict[str, set[str]] = {}
    for table, column in rows:
        tables.setdefault(table, set()).add(column)
    return tables


def _top_features(con: duckdb.DuckDBPyConnection, tables: dict[str, set[str]]) -> tuple[bool, list[tuple[str, int]]]:
    """The most voted live items (mart_feature_demand leaves deleted and merged items out), ranked by votes."""
    if "mart_feature_demand" not in tables:
        return False, []
    rows = con.execute(
        "select title, vote_count from mart_feature_demand "
        f"order by vote_count desc nulls last, title, feedback_key limit {TOP_FEATURES}"
    ).fetchall()
    return bool(rows), [(str(title), int(votes or 0)) for title, votes in rows]


def headline_metrics(published: Path) -> Headline:
    """CSAT % (ratings 4-5 / all ratings, all time), median first response and the top requested features,
    deleted tickets and items left out."""
    headline = Headline()
    if not published.exists():
        return headline
    con = _connect(published)
    try:
        tables = _tables(con)
        if "fct_csat" in tables:
            positive, ratings = con.execute(
                "select count(*) filter (where is_positive), count(score) from fct_csat where not is_deleted"
            ).fetchone()
            headline.csat_ratings = int(ratings)
            headline.csat_pct = round(100.0 * positive / ratings, 1) if ratings else None
        if "fct_tickets" in tables:
            median = con.execute(
                "select median(first_response_minutes) from fct_tickets where not is_deleted"
            ).fetchone()[0]
            headline.median_first_response_minutes = round(float(median), 1) if median is not None else None
        headline.feedback_loaded, headline.top_features = _top_features(con, tables)
    finally:
        con.close()
    return headline


def freshness(warehouse: Warehouse, vendors: list[str] | None = None) -> dict[str, str | None]:
    """Latest successful load per vendor (UTC, ISO 8601), from the vendor dataset's `_dlt_loads`."""
    wanted = list(vendors or VENDOR_NAMES)
    result: dict[str, str | None] = dict.fromkeys(wanted)
    for vendor in warehouse.loaded_datasets(wanted):
        latest = warehouse.query(f'select max(inserted_at) from "{vendor}"._dlt_loads where status = 0')
        if latest and latest[0][0] is not None:
            result[vendor] = latest[0][0].isoformat(timespec="seconds")
    return result


def load_rows(summary: RunSummary, fresh: dict[str, str | None]) -> list[dict[str, Any]]:
    """One row per vendor, account and table; requests, quarantined, duration and status once per account."""
    rows: list[dict[str, Any]] = []
    for load in summary.loads:
        tables = sorted(load.rows.items()) or [("-", 0)]
        for index, (table, count) in enumerate(tables):
            first = index == 0
            rows.append(
                {
                    "vendor": load.vendor,
                    "account": load.account,
                    "table": table,
                    "rows": count,
                    "requests": load.requests.get("requests", 0) if first else None,
                    "quarantined": load.quarantined if first else None,
                    "seconds": load.duration_s if first else None,
                    "status": ("ok" if load.ok else f"failed: {load.error}") if first else None,
                    "last_successful_load_utc": fresh.get(load.vendor),
                }
            )
    return rows


def headline_markdown(title: str, summary: RunSummary, headline: Headline, fresh: dict[str, str | None]) -> str:
    status = "ok" if summary.ok else "finished with failures"
    csat = f"{headline.csat_pct:.1f}% ({headline.csat_ratings:,} ratings)" if headline.csat_pct is not None else "n/a"
    median = (
        f"{headline.median_first_response_minutes:.1f} min"
        if headline.median_first_response_minutes is not None
        else "n/a"
    )
    total_rows = sum(sum(load.rows.values()) for load in summary.loads)
    lines = [
        f"# {title}: {status}",
        "",
        "| metric | value |",
        "|---|---|",
        f"| CSAT (all time) | {csat} |",
        f"| Median first response | {median} |",
        f"| Rows loaded | {total_rows:,} ({len(summary.loads)} account(s)) |",
        f"| Quarantined records | {summary.quarantined:,} |",
        f"| Duration | {summary.duration_s:.1f} s |",
    ]
    for vendor, latest in fresh.items():
        lines.append(f"| Last successful load, {vendor} | {latest or 'never'} |")
    lines += ["", f"## Top {TOP_FEATURES} requested features", ""]
    if headline.top_features:
        lines += [f"{rank}. {name} ({votes:,} votes)" for rank, (name, votes) in enumerate(headline.top_features, 1)]
    else:
        lines.append(NO_FEEDBACK)
    problems = [load.error for load in summary.failed_loads]
    if summary.transform_error:
        problems.append(summary.transform_error)
    if problems:
        lines += ["", "## Failures", "", *(f"- {problem}" for problem in problems)]
    if summary.dbt_warnings:
        lines += ["", "## dbt warnings", "", *(f"- {warning}" for warning in summary.dbt_warnings)]
    return "\n".join(lines) + "\n"


def headline_lines(headline: Headline) -> list[str]:
    """The headline as plain lines for the CLI summary."""
    lines = []
    if headline.median_first_response_minutes is not None:
        lines.append(f"Median first response: {headline.median_first_response_minutes:.1f} min")
    if headline.top_features:
        features = "; ".join(f"{name} ({votes:,})" for name, votes in headline.top_features)
        lines.append(f"Top requested features: {features}")
    else:
        lines.append(f"Top requested features: {NO_FEEDBACK}")
    return lines
