"""The benchmark harness at a tiny size: every section runs and every figure of the report is present and sane
(not a benchmark: nothing here asserts speed).

The hourly section builds the marts twice with dbt (~25 s each, whatever the size), so it runs in a second
thread beside the other sections (their own workdir and stand-ins): the two halves overlap on 2 cores and the
test stays within CI's budget. Timings measured that way mean nothing, which is fine here.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import orjson
import pytest

from benchmarks.__main__ import main
from benchmarks.report import render

TINY = [
    "--tickets", "40", "--posts", "6", "--voters", "30", "--sizes", "20,40", "--repeats", "1",
    "--remote-tickets", "20", "--remote-naive-seconds", "2", "--latency-ms", "5",
    "--vendor-scales", "product7=40,feedbackkit=60,usersloop=40", "--arrays", "60,200",
    "--limited-feedback", "80", "--rate-window-seconds", "1",
    "--four-scales", "featurebase=20,product7=20,feedbackkit=40,usersloop=15",
    "--accounts", "3", "--account-tickets", "5",
]  # fmt: skip


def _run(tmp_path: Path, name: str, *args: str) -> dict[str, Any]:
    return main([*TINY, *args, "--workdir", str(tmp_path / name), "--results-dir", str(tmp_path / f"{name}-out")])


def _ok(run: dict[str, Any]) -> None:
    assert run["ok"], run.get("stderr_tail")
    assert run["wall_s"] > 0 and 20 < run["peak_rss_mb"] < 4096


@pytest.mark.timeout(240)
def test_harness_reports_every_figure(tmp_path: Path) -> None:
    with ThreadPoolExecutor(1) as pool:
        hourly_half = pool.submit(_run, tmp_path, "hourly", "--only", "hourly")
        report = _run(tmp_path, "main", "--skip", "hourly,dbt")
        hourly_report = hourly_half.result()
    assert not report["errors"] and not hourly_report["errors"], (report["errors"], hourly_report["errors"])

    # headline: every contender, round-robin repeats, ratios
    total = report["records"]["total"]
    assert total == sum(v for k, v in report["records"].items() if k != "total") > 40
    for name in ("ceiling", "ceiling_stdlib", "competent", "naive", "ours"):
        run = report["backfill"][name]
        _ok(run)
        assert run["records_per_s"] > 0 and run["rows_loaded"]
        assert run["requests_by_endpoint"]["GET /v2/tickets/{ticketNumber}"] == 40
        assert run["wall_s_runs"] == [run["wall_s"]]
    assert set(report["ratios"]) == {"ours_vs_competent", "ours_vs_ceiling", "ours_vs_ceiling_httpx", "ours_vs_naive"}
    pg = report["postgres"]  # the same backfill into PostgreSQL, both loader formats
    for fmt in ("csv", "insert_values"):
        _ok(pg[fmt])
        assert pg[fmt]["records"] == total and pg[fmt]["requests_by_endpoint"]["GET /v2/tickets/{ticketNumber}"] == 40
    assert pg["ratios"]["csv_vs_insert_values"] > 0 and pg["ratios"]["postgres_csv_vs_duckdb"] > 0
    inc = report["incremental"]
    assert inc["ok"] and inc["changed"]["tickets"] >= 1 and inc["ratio_to_minimum"] >= 1.0  # nobody beats it
    nc = report["no_change"]
    assert nc["ok"] and nc["list_requests"] == {"tickets": 1, "posts": 1, "comments": 1} and nc["detail_requests"] == 0
    remote = report["remote"]
    assert remote["ours"]["ok"] and remote["ours"]["throttled_429"] == 0 and remote["ours"]["detail_rate_per_s"] > 0
    assert "timeboxed_s" in remote["naive"]
    assert [p["tickets"] for p in report["scaling"]["points"]] == [20, 40]
    assert report["scaling"]["time_loglog_slope"] is not None

    # per vendor: ours, competent and ceiling each loaded every record of the same workspace
    assert set(report["vendors"]) == {"product7", "feedbackkit", "usersloop"}
    for vendor, result in report["vendors"].items():
        assert result["records"]["total"] > 0, vendor
        for name in ("ceiling", "competent", "ours"):
            _ok(result["runs"][name])
            assert result["runs"][name]["records"] == result["records"]["total"]
        assert result["ratios"]["ours_vs_competent"] > 0 and result["ratios"]["ours_vs_ceiling"] > 0
    ours = report["vendors"]["usersloop"]["runs"]["ours"]
    assert ours["summary"]["accounts"]["usersloop/default"]["requests"] == ours["requests"]  # the CLI's own count

    arrays = report["feedbackkit_arrays"]
    assert [p["feedbacks"] for p in arrays["points"]] == [60, 200] and all(p["ok"] for p in arrays["points"])
    assert arrays["rss_ratio_largest_to_smallest"] > 0

    limited = report["rate_limit"]
    assert limited["backfill"]["requests"] > limited["limit_per_window"]  # enough requests to wait for a window
    assert limited["backfill"]["ratio_to_minimum"] >= 1.0 and limited["hourly"]["ratio_to_minimum"] >= 1.0
    assert 0 < limited["backfill"]["share_of_allowance"] <= 1.05
    assert limited["backfill"]["max_in_any_window"] <= limited["limit_per_window"]

    four = report["four_vendors"]
    assert set(four["alone"]) == {"featurebase", "product7", "feedbackkit", "usersloop"}
    assert four["combined"]["ok"] and all(r["ok"] for r in four["alone"].values())
    assert set(four["combined"]["summary"]["accounts"]) == {f"{v}/default" for v in four["alone"]}
    assert four["ratio_to_slowest"] > 0 and four["slowest_vendor"] in four["alone"]

    many = report["many_accounts"]
    assert many["accounts_loaded_ok"] == 3 and many["one"]["ok"] and many["many"]["ok"]
    assert many["wall_ratio"] > 0 and many["rss_ratio"] > 0

    # hourly end to end: a full build, then nothing to rebuild, then a selective build
    hourly = hourly_report["hourly"]
    assert hourly["backfill_full_build"]["dbt_kind"] == "full" and hourly["backfill_full_build"]["ok"]
    assert hourly["no_change"]["dbt_kind"] == "none" and hourly["no_change"]["rows"] == 0
    assert hourly["one_percent"]["dbt_kind"] == "selective" and hourly["one_percent"]["rows"] > 0
    for step in ("no_change", "one_percent"):
        run = hourly[step]
        assert run["ok"] and run["load_s"] > 0 and run["other_s"] is not None and run["process_s"] > 0

    every_target = {**report["targets"], **hourly_report["targets"]}
    assert {
        "backfill_vs_competent", "backfill_vs_ceiling", "backfill_vs_naive", "incremental_requests",
        "no_change_requests", "remote_allowance", "scaling_rss", "four_vendors", "many_accounts_wall",
        "many_accounts_rss", "hourly_no_change", "hourly_one_percent", "usersloop_allowance", "postgres_loader_format",
    } == set(every_target)  # fmt: skip
    assert all({"value", "target", "met"} <= set(t) for t in every_target.values())
    saved = orjson.loads((tmp_path / "main-out" / "latest.json").read_bytes())
    assert saved["backfill"]["ours"]["records"] == total and saved["targets"] == report["targets"]
    assert "Targets" in render(report) and "Hourly end to end" in render(hourly_report)
    assert "into PostgreSQL" in render(report)
