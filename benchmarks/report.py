"""Render a benchmark report (the dict `harness.run_all` returns) as a plain-text table and save it as JSON."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import orjson


def _table(headers: list[str], rows: list[list[Any]]) -> str:
    cells = [[str(h) for h in headers]] + [["-" if v is None else str(v) for v in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = [
        "  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True)))
        for r in cells
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def render(report: dict[str, Any]) -> str:
    out: list[str] = []
    rec = report.get("records", {})
    out.append(f"Workspace: {report['workspace']}  records: {rec}")
    out.append(f"Machine: {report['machine']}")
    if backfill := report.get("backfill"):
        out.append("\nBackfill (records = tickets + parts + posts + votes + comments)")
        out.append(
            _table(
                ["contender", "wall s (median)", "runs s", "records/s", "requests", "peak RSS MB", "ok"],
                [
                    [
                        n,
                        r["wall_s"],
                        " ".join(f"{w:.1f}" for w in r.get("wall_s_runs", [r["wall_s"]])),
                        r["records_per_s"],
                        r["requests"],
                        r["peak_rss_mb"],
                        r["ok"],
                    ]
                    for n, r in backfill.items()
                ],
            )
        )
        endpoints = sorted({e for r in backfill.values() for e in r["requests_by_endpoint"]})
        out.append("\nRequests per endpoint")
        out.append(
            _table(
                ["endpoint", *backfill],
                [[e, *(r["requests_by_endpoint"].get(e, 0) for r in backfill.values())] for e in endpoints],
            )
        )
        out.append(f"\nRatios: {report.get('ratios')}")
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
    if rem := report.get("remote"):
        out.append(
            f"\nRemote-like: {rem['latency_ms']} ms per response, {rem['rate_limit_per_minute']}/min enforced, "
            f"{rem['tickets']} tickets ({rem['records']} records)"
        )
        rows = []
        for name in ("ours", "naive"):
            if r := rem.get(name):
                rows.append(
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
                )
        out.append(
            _table(
                [
                    "contender",
                    "wall s",
                    "details",
                    "detail req/s",
                    "x allowance",
                    "1st 60s share",
                    "s to 2000",
                    "429s",
                    "timebox s",
                ],
                rows,
            )
        )
    if sc := report.get("scaling"):
        out.append("\nScaling (ours backfill)")
        out.append(
            _table(
                ["tickets", "records", "wall s", "records/s", "peak RSS MB", "dbt build s"],
                [
                    [
                        p["tickets"],
                        p["records"],
                        p["wall_s"],
                        p["records_per_s"],
                        p["peak_rss_mb"],
                        (p["dbt_build"]["wall_s"] if p["dbt_build"]["ok"] else "failed") if "dbt_build" in p else None,
                    ]
                    for p in sc["points"]
                ],
            )
        )
        out.append(
            f"time log-log slope {sc['time_loglog_slope']} ({sc['time_s_per_1k_records']} s per 1k records), "
            f"RSS log-log slope {sc['rss_loglog_slope']}, RSS largest/smallest {sc['rss_ratio_largest_to_smallest']}"
            + (f", dbt log-log slope {sc.get('dbt_loglog_slope')}" if "dbt_loglog_slope" in sc else "")
        )
    if tg := report.get("targets"):
        out.append("\nTargets")
        out.append(_table(["target", "value", "met"], [[k, v["value"], v["met"]] for k, v in tg.items()]))
    for note in report.get("notes", []):
        out.append(f"note: {note}")
    out.append(f"\nbenchmark took {report.get('duration_s')} s")
    return "\n".join(out)


def save(report: dict[str, Any], results_dir: Path) -> Path:
    results_dir.mkdir(parents=True, exist_ok=True)
    path = results_dir / f"bench-{time.strftime('%Y%m%dT%H%M%S')}.json"
    data = orjson.dumps(report, option=orjson.OPT_INDENT_2)
    path.write_bytes(data)
    (results_dir / "latest.json").write_bytes(data)
    return path
