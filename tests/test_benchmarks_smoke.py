"""The benchmark harness at a tiny size: every figure of the report is present and sane (not a benchmark)."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from benchmarks.__main__ import main
from benchmarks.report import render


@pytest.mark.timeout(120)
def test_harness_reports_every_figure(tmp_path: Path) -> None:
    report = main(
        [
            "--tickets", "60", "--posts", "8", "--voters", "40", "--sizes", "30,60",
            "--remote-tickets", "30", "--remote-naive-seconds", "4", "--skip-dbt", "--repeats", "2",
            "--workdir", str(tmp_path / "work"), "--results-dir", str(tmp_path / "results"),
        ]
    )  # fmt: skip

    total = report["records"]["total"]
    assert total == sum(v for k, v in report["records"].items() if k != "total") > 60
    for name in ("ceiling", "ceiling_stdlib", "naive", "ours"):
        run = report["backfill"][name]
        assert run["ok"], run.get("stderr_tail")
        assert run["wall_s"] > 0 and run["records_per_s"] > 0 and 20 < run["peak_rss_mb"] < 4096
        assert run["requests_by_endpoint"]["GET /v2/tickets/{ticketNumber}"] == 60
        assert run["rows_loaded"]
        assert len(run["wall_s_runs"]) == (1 if name == "naive" else 2)  # round-robin repeats, median counted
        assert min(run["wall_s_runs"]) <= run["wall_s"] <= max(run["wall_s_runs"])
    assert set(report["ratios"]) == {"ours_vs_ceiling", "ours_vs_ceiling_httpx", "ours_vs_naive"}

    inc = report["incremental"]
    assert inc["ok"] and inc["changed"]["tickets"] >= 1 and inc["minimum_total"] >= 3
    assert inc["ratio_to_minimum"] >= 1.0  # nobody beats the minimum
    nc = report["no_change"]
    assert nc["ok"] and nc["list_requests"] == {"tickets": 1, "posts": 1, "comments": 1} and nc["detail_requests"] == 0

    remote = report["remote"]
    assert remote["ours"]["ok"] and remote["ours"]["throttled_429"] == 0 and remote["ours"]["detail_requests"] > 0
    assert remote["ours"]["detail_rate_per_s"] > 0 and "timeboxed_s" in remote["naive"]

    scaling = report["scaling"]
    assert [p["tickets"] for p in scaling["points"]] == [30, 60]
    assert scaling["time_loglog_slope"] is not None and scaling["rss_loglog_slope"] is not None

    assert {
        "backfill_vs_ceiling_>=0.25",
        "backfill_vs_naive_>=6",
        "remote_detail_share_>=0.8_and_no_429",
        "incremental_requests_<=1.1x_min",
        "no_change_one_list_per_stream_zero_detail",
        "largest_backfill_rss_<1GiB_and_<=1.5x_smallest",
    } <= set(report["targets"])
    saved = orjson.loads((tmp_path / "results" / "latest.json").read_bytes())
    assert saved["backfill"]["ours"]["records"] == total
    assert "Targets" in render(report)
