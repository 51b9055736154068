"""UsersLoop under its contract limit: 60 requests per minute per key, enforced by the stand-in (429 +
Retry-After) with the minute scaled down to `window_s` seconds (as the demo does: 60 per 3 s, 20 x faster, so a
run takes seconds), and our client told the same (`SOURCES__USERSLOOP__RATE_LIMIT_PER_MINUTE=60`,
`..._RATE_WINDOW_SECONDS=<window_s>`). A backfill, then an hourly run after a 1 % change.

Figures, from the server's request log:
- share of the allowance used = the fastest legal time for the run's accepted requests ((n - 1) // 60 full
  windows from the first to the last: a sliding window lets the first 60 go at once) / the time the run took
  from its first request to its last. 1.0 = not a moment of allowance wasted; our client keeps a 1/60 margin
  (~0.98). A run of at most 60 requests never waits (it fits the first window's burst): no share is defined.
- requests vs the minimum possible: every list page (the lists are ordered by id, not by change, and votes do not
  move `updated_at`, so every run reads them whole) + the two unpaginated lists + one detail per new or changed
  record (all of them on a backfill).
- 429 responses (target: none).
"""

from __future__ import annotations

import math
from collections import deque
from pathlib import Path
from typing import Any

from benchmarks.changes import apply_change
from benchmarks.contenders import measure
from benchmarks.sandbox import Sandbox
from sources.usersloop import settings

LIMIT = settings.RATE_LIMIT_PER_MINUTE
PAGED = ("feedback", "roadmap", "updates", "articles")


def allowance_use(log: list[dict[str, Any]], limit: int, window_s: float) -> dict[str, Any]:
    """How much of a `limit`-per-`window_s` allowance a run used (see the module docstring). Only accepted
    requests spend allowance: a 429 is counted apart (and the time it costs shows in the span)."""
    times = sorted(entry["at"] for entry in log if entry["status"] != 429)
    n = len(times)
    if n < 2:
        return {"accepted": n, "share_of_allowance": None, "span_s": 0.0, "max_in_any_window": n}
    span = times[-1] - times[0]
    fastest = window_s * ((n - 1) // limit)
    in_window: deque[float] = deque()
    busiest = 0
    for at in times:
        in_window.append(at)
        while in_window[0] <= at - window_s:
            in_window.popleft()
        busiest = max(busiest, len(in_window))
    return {
        "accepted": n,
        "span_s": round(span, 3),
        "fastest_legal_span_s": round(fastest, 3),
        "share_of_allowance": round(fastest / span, 3) if fastest > 0 and span > 0 else None,
        "requests_per_window": round((n - 1) / span * window_s, 1) if span > 0 else None,
        "max_in_any_window": busiest,
    }


def minimum_requests(counts: dict[str, int], details: int, page_size: int = settings.PAGE_SIZE) -> int:
    """Every page of the four paginated lists, the two unpaginated ones, and `details` detail calls."""
    pages = sum(max(1, math.ceil(counts[kind] / page_size)) for kind in PAGED)
    return pages + len(settings.UNPAGED_LISTS) + details


def _run(sandbox: Sandbox, warehouse: Path, window_s: float, minimum: int) -> dict[str, Any]:
    run = measure("ours", sandbox, warehouse)
    use = allowance_use(sandbox.log(), LIMIT, window_s)
    return {
        "wall_s": run["wall_s"],
        "requests": run["requests"],
        "minimum_requests": minimum,
        "ratio_to_minimum": round(run["requests"] / minimum, 3),
        "throttled_429": int(run["statuses"].get("429", 0)),
        "requests_by_endpoint": run["requests_by_endpoint"],
        **use,
        "ok": run["ok"],
        **({"stderr_tail": run["stderr_tail"]} if not run["ok"] else {}),
    }


def usersloop_contract(scale: int, window_s: float, fraction: float, workdir: Path) -> dict[str, Any]:
    """Backfill, 1 % change, hourly run, all under 60 requests per `window_s` seconds."""
    sandbox = Sandbox.sized("usersloop", scale)
    try:
        sandbox.configure(rate_limit_per_minute=LIMIT, rate_window_seconds=window_s)
        counts = {kind: sandbox.records[kind] for kind in PAGED}
        warehouse = workdir / "usersloop-limited.duckdb"
        backfill = _run(sandbox, warehouse, window_s, minimum_requests(counts, sum(counts.values())))
        changed = apply_change(sandbox, fraction)
        hourly = _run(sandbox, warehouse, window_s, minimum_requests(counts, changed["status_changed"]))
    finally:
        sandbox.stop()
    return {
        "feedback": scale,
        "records": dict(sandbox.records, total=sandbox.total_records),
        "limit_per_window": LIMIT,
        "window_s": window_s,
        "time_scale": round(60.0 / window_s, 2),
        "backfill": backfill,
        "changed": changed,
        "hourly": hourly,
    }
