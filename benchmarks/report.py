"""Render a benchmark report (the dict `harness.run_all` returns) as plain-text tables and save it as JSON.

Every figure the text shows is in the JSON too (the text is drawn from it)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import orjson


def table(headers: list[str], rows: list[list[Any]]) -> str:
    cells = [[str(h) for h in headers]] + [["-" if v is None else str(v) for v in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = [
        "  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True)))
        for r in cells
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def runs_text(run: dict[str, Any]) -> str:
    return " ".join(f"{w:.1f}" for w in run.get("wall_s_runs", [run["wall_s"]]))


def contender_table(runs: dict[str, dict[str, Any]]) -> str:
    """One row per contender: median wall, every run, records/s, requests, peak RSS."""
    return table(
        ["contender", "wall s (median)", "runs s", "records/s", "requests", "peak RSS MB", "ok"],
        [
            [n, r["wall_s"], runs_text(r), r["records_per_s"], r["requests"], r["peak_rss_mb"], r["ok"]]
            for n, r in runs.items()
        ],
    )


def render(report: dict[str, Any]) -> str:
    from benchmarks.report_featurebase import render_featurebase
    from benchmarks.report_sections import render_sections

    out: list[str] = [f"Machine: {report['machine']}"]
    out += render_featurebase(report)
    out += render_sections(report)
    if tg := report.get("targets"):
        out.append("\nTargets")
        out.append(
            table(
                ["target", "goal", "value", "met"],
                [[k, v["target"], v["value"], "met" if v["met"] else "NOT MET"] for k, v in tg.items()],
            )
        )
    for note in report.get("notes", []):
        out.append(f"note: {note}")
    for section, error in report.get("errors", {}).items():
        out.append(f"ERROR in {section}: {error}")
    out.append(f"\nsections (s): {report.get('section_seconds')}")
    out.append(f"benchmark took {report.get('duration_s')} s")
    return "\n".join(out)


def save(report: dict[str, Any], results_dir: Path) -> Path:
    results_dir.mkdir(parents=True, exist_ok=True)
    path = results_dir / f"bench-{time.strftime('%Y%m%dT%H%M%S')}.json"
    data = orjson.dumps(report, option=orjson.OPT_INDENT_2)
    path.write_bytes(data)
    (results_dir / "latest.json").write_bytes(data)
    return path
