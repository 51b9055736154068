"""Each target of the benchmarks issue (and the earlier ones that still hold) with its measured value and whether
it is met. A section that was skipped leaves its targets out rather than failing them."""

from __future__ import annotations

from typing import Any


def _target(value: Any, goal: str, met: bool, **extra: Any) -> dict[str, Any]:
    return {"value": value, "target": goal, "met": bool(met), **extra}


def targets(report: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if ratios := report.get("ratios"):
        at = f"at {report['workspace']['tickets']:,} tickets"
        out["backfill_vs_competent"] = _target(
            ratios["ours_vs_competent"], f">= 3 x ({at})", ratios["ours_vs_competent"] >= 3
        )
        out["backfill_vs_ceiling"] = _target(
            ratios["ours_vs_ceiling"], f">= 0.5 ({at})", ratios["ours_vs_ceiling"] >= 0.5
        )
        if "ours_vs_naive" in ratios:
            out["backfill_vs_naive"] = _target(ratios["ours_vs_naive"], f">= 6 x ({at})", ratios["ours_vs_naive"] >= 6)
        if inc := report.get("incremental"):
            out["incremental_requests"] = _target(
                inc["ratio_to_minimum"], "<= 1.1 x the minimum", inc["ratio_to_minimum"] <= 1.1
            )
        if nc := report.get("no_change"):
            lists_ok = all(v == 1 for v in nc["list_requests"].values())
            out["no_change_requests"] = _target(
                {**nc["list_requests"], "detail": nc["detail_requests"], "lookups": nc["lookup_requests"]},
                "one list request per stream, no detail",
                lists_ok and nc["detail_requests"] == 0,
            )
    if remote_ours := report.get("remote", {}).get("ours"):
        share = remote_ours.get("detail_share_of_allowance", 0)
        out["remote_allowance"] = _target(
            {"detail_share": share, "429s": remote_ours["throttled_429"]},
            ">= 0.8 of 2,000/min in the detail phase, 0 x 429",
            share >= 0.8 and remote_ours["throttled_429"] == 0,
        )
    if (scale := report.get("scaling")) and len(scale["points"]) > 1:
        largest = scale["points"][-1]
        ratio = scale["rss_ratio_largest_to_smallest"] or 99
        out["scaling_rss"] = _target(
            {"largest_mb": largest["peak_rss_mb"], "ratio": ratio},
            "largest backfill < 1 GiB and <= 1.5 x the smallest",
            largest["peak_rss_mb"] < 1024 and ratio <= 1.5,
        )
    if four := report.get("four_vendors"):
        out["four_vendors"] = _target(
            four["ratio_to_slowest"], "<= 1.15 x the slowest vendor alone", four["ratio_to_slowest"] <= 1.15
        )
    if many := report.get("many_accounts"):
        n = many["accounts"]
        out["many_accounts_wall"] = _target(many["wall_ratio"], f"<= {n} x one account", many["wall_ratio"] <= n)
        out["many_accounts_rss"] = _target(many["rss_ratio"], "<= 2 x one account", many["rss_ratio"] <= 2)
    if (pg := report.get("postgres")) and (ratio := pg["ratios"].get("csv_vs_insert_values")):
        out["postgres_loader_format"] = _target(
            ratio, "the default loader format (csv) >= 1 x insert_values", ratio >= 1 and pg["csv"]["ok"]
        )
    if hourly := report.get("hourly"):
        nc, one = hourly["no_change"], hourly["one_percent"]
        out["hourly_no_change"] = _target(nc["wall_s"], "<= 4 s end to end", nc["ok"] and nc["wall_s"] <= 4)
        out["hourly_one_percent"] = _target(one["wall_s"], "<= 10 s end to end", one["ok"] and one["wall_s"] <= 10)
    if limited := report.get("rate_limit"):
        backfill, hour = limited["backfill"], limited["hourly"]
        share = backfill["share_of_allowance"] or 0
        throttled = backfill["throttled_429"] + hour["throttled_429"]
        out["usersloop_allowance"] = _target(
            {"share": share, "429s": throttled}, ">= 0.9 of 60/min, 0 x 429", share >= 0.9 and throttled == 0
        )
    return out
