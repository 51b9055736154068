"""The text of the sections beyond Featurebase: per-vendor backfills, FeedbackKit's array, UsersLoop's limit,
four vendors in one run, many accounts, hourly end to end."""

from __future__ import annotations

from typing import Any

from benchmarks.report import contender_table, table


def _vendors(vendors: dict[str, Any]) -> list[str]:
    out = ["\nPer-vendor backfills (no latency, no rate limit; median of round-robin runs)"]
    for vendor, result in vendors.items():
        if result is None:
            continue
        out.append(f"\n{vendor}: records {result['records']}")
        out.append(contender_table(result["runs"]))
        out.append(f"ratios: {result['ratios']}")
    return out


def _arrays(arrays: dict[str, Any]) -> list[str]:
    rows = [
        [p["feedbacks"], p["records"], p["requests"], p["wall_s"], p["records_per_s"], p["peak_rss_mb"], p["ok"]]
        for p in arrays["points"]
    ]
    return [
        "\nFeedbackKit: one array of N feedbacks, ours' backfill",
        table(["feedbacks", "records", "requests", "wall s", "records/s", "peak RSS MB", "ok"], rows),
        f"largest/smallest: wall x{arrays['wall_ratio_largest_to_smallest']}, "
        f"peak RSS x{arrays['rss_ratio_largest_to_smallest']}",
    ]


def _rate_limit(limited: dict[str, Any]) -> list[str]:
    rows = [
        [
            name,
            r["wall_s"],
            r["requests"],
            r["minimum_requests"],
            r["ratio_to_minimum"],
            r["span_s"],
            r.get("fastest_legal_span_s"),
            r["share_of_allowance"],
            r["max_in_any_window"],
            r["throttled_429"],
        ]
        for name, r in (("backfill", limited["backfill"]), ("hourly (1 %)", limited["hourly"]))
    ]
    headers = ["run", "wall s", "requests", "minimum", "x minimum", "1st-last s", "fastest s", "allowance share"]
    return [
        f"\nUsersLoop under its limit: {limited['limit_per_window']} requests per {limited['window_s']} s (the "
        f"minute scaled {limited['time_scale']}x), {limited['records']}; changed {limited['changed']}",
        table([*headers, "max/window", "429s"], rows),
    ]


def _four(four: dict[str, Any], conditions: dict[str, Any] | None) -> list[str]:
    rows = [
        [vendor, r["wall_s"], " ".join(f"{w:.1f}" for w in r["wall_s_runs"]), r["requests"][vendor]["requests"]]
        + [r["requests"][vendor]["throttled_429"], r["peak_rss_mb"], r["ok"]]
        for vendor, r in four["alone"].items()
    ]
    combined = four["combined"]
    rows.append(
        [
            "all four, one run",
            combined["wall_s"],
            " ".join(f"{w:.1f}" for w in combined["wall_s_runs"]),
            sum(v["requests"] for v in combined["requests"].values()),
            sum(v["throttled_429"] for v in combined["requests"].values()),
            combined["peak_rss_mb"],
            combined["ok"],
        ]
    )
    return [
        f"\nFour vendors in one run vs each alone (ours, --no-transform; {conditions}); sizes {four['sizes']}",
        table(["run", "wall s (median)", "runs s", "requests", "429s", "peak RSS MB", "ok"], rows),
        f"combined / slowest alone ({four['slowest_vendor']}) = {four['ratio_to_slowest']}; "
        f"combined / sum of alone = {four['ratio_to_sum']}",
    ]


def _accounts(many: dict[str, Any]) -> list[str]:
    one, all_ = many["one"], many["many"]
    return [
        f"\n{many['accounts']} Featurebase accounts in one run vs one ({many['workspace']} each, "
        f"{many['records_per_account']} records per account, {many['records_all_accounts']} in all)",
        table(
            ["run", "wall s", "peak RSS MB", "accounts ok", "ok"],
            [
                ["one account", one["wall_s"], one["peak_rss_mb"], 1, one["ok"]],
                [
                    f"{many['accounts']} accounts",
                    all_["wall_s"],
                    all_["peak_rss_mb"],
                    many["accounts_loaded_ok"],
                    all_["ok"],
                ],
            ],
        ),
        f"wall x{many['wall_ratio']}, peak RSS x{many['rss_ratio']}",
    ]


def _hourly(hourly: dict[str, Any]) -> list[str]:
    names = (
        ("backfill + full build", "backfill_full_build"),
        ("no change", "no_change"),
        ("1 % change", "one_percent"),
    )
    rows = [
        [label, r["wall_s"], r["load_s"], r["dbt_s"], f"{r['dbt_kind']} ({r['dbt_models']})", r["other_s"]]
        + [r["process_s"], sum(r["requests"].values()), r["rows"], r["ok"]]
        for label, key in names
        if (r := hourly[key])
    ]
    return [
        f"\nHourly end to end, {', '.join(hourly['vendors'])} into one warehouse (run: load + dbt + publish); "
        f"changed {hourly['changed']}",
        table(
            ["run", "wall s", "load s", "dbt s", "dbt build", "publish+other s", "process s", "requests", "rows", "ok"],
            rows,
        ),
    ]


def render_sections(report: dict[str, Any]) -> list[str]:
    out: list[str] = []
    if vendors := report.get("vendors"):
        out += _vendors(vendors)
    if arrays := report.get("feedbackkit_arrays"):
        out += _arrays(arrays)
    if limited := report.get("rate_limit"):
        out += _rate_limit(limited)
    if four := report.get("four_vendors"):
        out += _four(four, report.get("four_vendor_conditions"))
    if many := report.get("many_accounts"):
        out += _accounts(many)
    if hourly := report.get("hourly"):
        out += _hourly(hourly)
    return out
