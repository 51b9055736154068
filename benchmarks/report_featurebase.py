"""The text of the Featurebase sections: headline backfill, incremental and no-change runs, remote-like, scaling."""

from __future__ import annotations

from typing import Any

from benchmarks.report import contender_table, table


def _backfill(report: dict[str, Any]) -> list[str]:
    backfill = report["backfill"]
    out = [
        f"\nFeaturebase backfill: {report['workspace']}  records {report.get('records')}",
        "(records = tickets + conversation parts + posts + votes + comments; median of round-robin runs)",
        contender_table(backfill),
    ]
    endpoints = sorted({e for r in backfill.values() for e in r["requests_by_endpoint"]})
    out.append("\nRequests per endpoint")
    out.append(
        table(
            ["endpoint", *backfill],
            [[e, *(r["requests_by_endpoint"].get(e, 0) for r in backfill.values())] for e in endpoints],
        )
    )
    out.append(f"\nRatios (ours' records/s over theirs): {report.get('ratios')}")
    return out


def _incremental(report: dict[str, Any]) -> list[str]:
    out: list[str] = []
    if inc := report.get("incremental"):
        out.append(
            f"\nIncremental after {inc['changed']} changed: {inc['stream_requests']} stream requests vs minimum "
            f"{inc['minimum_total']} (x{inc['ratio_to_minimum']}), +{inc['lookup_requests']} lookup requests; "
            f"{inc['wall_s']} s = {inc['wall_vs_full']} of the full run"
        )
        out.append(f"  made {inc['requests_by_endpoint']}\n  minimum {inc['minimum_requests']}")
    if nc := report.get("no_change"):
        out.append(
            f"No-change run: lists {nc['list_requests']}, details {nc['detail_requests']}, lookups "
            f"{nc['lookup_requests']}; {nc['wall_s']} s = {nc['wall_vs_full']} of the full run"
        )
    return out


def _remote(rem: dict[str, Any]) -> list[str]:
    rows = [
        [
            name,
            r["wall_s"],
            r.get("detail_requests"),
            r.get("detail_rate_per_s"),
            r.get("detail_share_of_allowance"),
            r.get("first_window_share"),
            r.get("burst_seconds_to_limit"),
            r["throttled_429"],
            r.get("timeboxed_s"),
        ]
        for name in ("ours", "naive")
        if (r := rem.get(name))
    ]
    headers = ["contender", "wall s", "details", "detail req/s", "x allowance", "1st 60s share", "s to 2000"]
    return [
        f"\nRemote-like Featurebase: {rem['latency_ms']} ms per response, {rem['rate_limit_per_minute']}/min "
        f"enforced, {rem['tickets']} tickets ({rem['records']} records)",
        table([*headers, "429s", "timebox s"], rows),
    ]


def _scaling(sc: dict[str, Any]) -> list[str]:
    def dbt(p: dict[str, Any]) -> Any:
        if "dbt_build" not in p:
            return None
        return p["dbt_build"]["wall_s"] if p["dbt_build"]["ok"] else "failed"

    rows = [
        [p["tickets"], p["records"], p["wall_s"], p["records_per_s"], p["peak_rss_mb"], dbt(p)] for p in sc["points"]
    ]
    return [
        "\nScaling (ours' Featurebase backfill)",
        table(["tickets", "records", "wall s", "records/s", "peak RSS MB", "dbt build s"], rows),
        f"time log-log slope {sc['time_loglog_slope']} ({sc['time_s_per_1k_records']} s per 1k records), "
        f"RSS log-log slope {sc['rss_loglog_slope']}, RSS largest/smallest {sc['rss_ratio_largest_to_smallest']}"
        + (f", dbt log-log slope {sc.get('dbt_loglog_slope')}" if "dbt_loglog_slope" in sc else ""),
    ]


def _postgres(pg: dict[str, Any]) -> list[str]:
    runs = {f"ours into PostgreSQL ({fmt})": pg[fmt] for fmt in ("csv", "insert_values")}
    ratios = pg.get("ratios", {})
    return [
        "\nFeaturebase backfill into PostgreSQL (same workspace; fresh database per run)",
        contender_table(runs),
        f"csv / insert_values = {ratios.get('csv_vs_insert_values')}; PostgreSQL (csv) / DuckDB = "
        f"{ratios.get('postgres_csv_vs_duckdb')} (DuckDB {pg.get('duckdb_records_per_s')} records/s)",
    ]


def render_featurebase(report: dict[str, Any]) -> list[str]:
    out: list[str] = []
    if report.get("backfill"):
        out += _backfill(report)
    if pg := report.get("postgres"):
        out += _postgres(pg)
    out += _incremental(report)
    if rem := report.get("remote"):
        out += _remote(rem)
    if sc := report.get("scaling"):
        out += _scaling(sc)
    return out
