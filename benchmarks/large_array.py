"""FeedbackKit serves every feedback as one plain JSON array, however large the project: ours' backfill wall
time and peak RSS (the child's own) at each array size, to show memory follows the chunked shaping (one copy of
the data at a time, sources/feedbackkit) rather than the array's size."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from benchmarks.contenders import measure
from benchmarks.sandbox import Sandbox


def feedbackkit_arrays(sizes: list[int], workdir: Path, measured: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """Ours' backfill at each array size; a size the per-vendor section already measured (same workspace, same
    conditions) reuses that median run instead of measuring again."""
    points = []
    for feedbacks in sizes:
        run = measured.get(feedbacks)
        if run is None:
            sandbox = Sandbox.sized("feedbackkit", feedbacks)
            try:
                run = measure("ours", sandbox, workdir / f"array-{feedbacks}.duckdb")
            finally:
                sandbox.stop()
        points.append(
            {
                "feedbacks": feedbacks,
                "records": run["records"],
                "requests": run["requests"],
                "wall_s": run["wall_s"],
                "records_per_s": run["records_per_s"],
                "peak_rss_mb": run["peak_rss_mb"],
                "ok": run["ok"],
                **({"stderr_tail": run["stderr_tail"]} if not run["ok"] else {}),
            }
        )
    first, last = points[0], points[-1]
    return {
        "points": points,
        "wall_ratio_largest_to_smallest": round(last["wall_s"] / first["wall_s"], 3) if len(points) > 1 else None,
        "rss_ratio_largest_to_smallest": (
            round(last["peak_rss_mb"] / first["peak_rss_mb"], 3) if len(points) > 1 else None
        ),
    }
