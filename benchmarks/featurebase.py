"""The headline: a Featurebase workspace's backfill against a competent and a naive dlt `rest_api` baseline and
two fetch + insert ceilings; then ours' incremental and no-change runs, a remote-like run (latency + the
vendor's rate limit enforced) and scaling with size."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import orjson

from benchmarks.child import PYTHON, clean_env, run_child, table_rows
from benchmarks.contenders import measure, measure_repeated
from benchmarks.sandbox import Poller, Sandbox, Size
from sources.featurebase import settings

DETAIL_ENDPOINTS = (settings.TICKET_DETAIL_ENDPOINT, settings.POST_VOTERS_ENDPOINT)
LIST_STREAMS = {
    "tickets": settings.TICKETS_ENDPOINT,
    "posts": settings.POSTS_ENDPOINT,
    "comments": settings.COMMENTS_ENDPOINT,
}
LOOKUP_ENDPOINTS = (
    "GET /v2/tickets/statuses",
    "GET /v2/tickets/categories",
    "GET /v2/tickets/custom_fields",
    "GET /v2/boards",
)
RATE_LIMIT_PER_MINUTE = settings.RATE_LIMIT_PER_MINUTE  # Featurebase's documented limit per key
PAGE = settings.PAGE_SIZE


def backfill(sandbox: Sandbox, workdir: Path, repeats: int, skip_naive: bool) -> dict[str, Any]:
    """Every contender's backfill of the same workspace, `repeats` times each, round-robin; median wall time."""
    contenders = ["ceiling", "ceiling_stdlib", "competent"] + ([] if skip_naive else ["naive"]) + ["ours"]
    runs = measure_repeated(contenders, sandbox, workdir, repeats)
    for name, run in runs.items():
        run["rows_loaded"] = table_rows(workdir / f"main-{name}.duckdb")
    ours = runs["ours"]["records_per_s"]
    # the ceiling is the faster of the two minimal clients (see benchmarks/ceiling.py)
    best_ceiling = max(runs["ceiling"]["records_per_s"], runs["ceiling_stdlib"]["records_per_s"])
    ratios = {
        "ours_vs_competent": round(ours / runs["competent"]["records_per_s"], 3),
        "ours_vs_ceiling": round(ours / best_ceiling, 3),
        "ours_vs_ceiling_httpx": round(ours / runs["ceiling"]["records_per_s"], 3),
    }
    if "naive" in runs:
        ratios["ours_vs_naive"] = round(ours / runs["naive"]["records_per_s"], 3)
    return {"runs": runs, "ratios": ratios}


def _pages(n: int) -> int:
    return max(1, math.ceil(n / PAGE))


def incremental(sandbox: Sandbox, warehouse: Path, full_wall: float, fraction: float) -> dict[str, Any]:
    """Change ~`fraction` of the records, run ours again, compare requests with the minimum possible."""
    before = sandbox.records
    n_votes = max(1, round(before["posts"] * fraction))
    n_comments = max(1, round(before["comments"] * fraction))
    tickets = sandbox.mutate("mutate_tickets", fraction=fraction, seed=11)
    votes = sandbox.mutate("add_votes", n=n_votes, seed=12)
    comments = sandbox.mutate("add_comments", n=n_comments, seed=13)
    feedback = sandbox.truth()["feedback"]
    changed_posts = {post_id for post_id, _ in votes} | {feedback["comments"][c]["post_id"] for c in comments}
    voter_pages = sum(math.ceil(feedback["posts"][p]["upvotes"] / PAGE) for p in changed_posts)
    minimum = {
        "GET /v2/tickets": _pages(len(tickets)),
        "GET /v2/tickets/{ticketNumber}": len(tickets),
        "GET /v2/posts": _pages(len(changed_posts)),
        "GET /v2/posts/{id}/voters": voter_pages,
        "GET /v2/comments": _pages(len(comments)),
    }
    run = measure("ours", sandbox, warehouse)
    made = run["requests_by_endpoint"]
    stream_requests = sum(n for e, n in made.items() if e not in LOOKUP_ENDPOINTS)
    lookups = sum(n for e, n in made.items() if e in LOOKUP_ENDPOINTS)
    min_total = sum(minimum.values())
    return {
        "changed": {
            "tickets": len(tickets),
            "posts": len(changed_posts),
            "votes_added": len(votes),
            "comments_added": len(comments),
        },
        "minimum_requests": minimum,
        "minimum_total": min_total,
        "requests_by_endpoint": made,
        "stream_requests": stream_requests,
        "lookup_requests": lookups,
        "ratio_to_minimum": round(stream_requests / min_total, 3),
        "ratio_to_minimum_with_lookups": round((stream_requests + lookups) / (min_total + len(LOOKUP_ENDPOINTS)), 3),
        "wall_s": run["wall_s"],
        "wall_vs_full": round(run["wall_s"] / full_wall, 3),
        "peak_rss_mb": run["peak_rss_mb"],
        "ok": run["ok"],
        **({"stderr_tail": run["stderr_tail"]} if not run["ok"] else {}),
    }


def no_change(sandbox: Sandbox, warehouse: Path, full_wall: float) -> dict[str, Any]:
    run = measure("ours", sandbox, warehouse)
    made = run["requests_by_endpoint"]
    return {
        "requests_by_endpoint": made,
        "list_requests": {stream: made.get(endpoint, 0) for stream, endpoint in LIST_STREAMS.items()},
        "detail_requests": sum(made.get(e, 0) for e in DETAIL_ENDPOINTS),
        "lookup_requests": sum(made.get(e, 0) for e in LOOKUP_ENDPOINTS),
        "wall_s": run["wall_s"],
        "wall_vs_full": round(run["wall_s"] / full_wall, 3),
        "ok": run["ok"],
        **({"stderr_tail": run["stderr_tail"]} if not run["ok"] else {}),
    }


def _rates(samples: list[tuple[float, dict[str, int]]], limit: int) -> dict[str, Any]:
    """Achieved request rates from the sampled counters: the detail phase, the burst and the first window."""

    def total(counts: dict[str, int]) -> int:
        return sum(counts.values())

    def detail(counts: dict[str, int]) -> int:
        return sum(counts.get(e, 0) for e in DETAIL_ENDPOINTS)

    allowance = limit / 60.0
    final_detail = detail(samples[-1][1]) if samples else 0
    if final_detail == 0:
        return {"detail_requests": 0}
    # from the last sample before any detail call to the first with all of them: at worst one poll interval
    # longer than the phase (a slight under-estimate), never zero when the whole phase fits between two samples
    first = max((t for t, c in samples if detail(c) == 0), default=samples[0][0])
    last = next(t for t, c in samples if detail(c) >= final_detail)
    span = max(last - first, 1e-6)
    t0 = next((t for t, c in samples if total(c) > 0), 0.0)
    in_window = max((total(c) for t, c in samples if t <= t0 + 60.0), default=0)
    burst_end = next((t for t, c in samples if total(c) >= limit), None)
    rate = final_detail / span
    return {
        "detail_requests": final_detail,
        "detail_phase_s": round(span, 2),
        "detail_rate_per_s": round(rate, 2),
        "allowance_per_s": round(allowance, 2),
        "detail_share_of_allowance": round(rate / allowance, 3),
        "first_window_requests": in_window,
        "first_window_share": round(in_window / limit, 3),
        "burst_seconds_to_limit": round(burst_end - t0, 2) if burst_end is not None else None,
        "burst_rate_per_s": round(limit / (burst_end - t0), 1) if burst_end is not None and burst_end > t0 else None,
        "whole_run_s": round(samples[-1][0] - t0, 2),
    }


def remote(sandbox: Sandbox, latency_ms: float, naive_seconds: float | None, workdir: Path) -> dict[str, Any]:
    """Latency on every response + the vendor's rate limit enforced by the server (429 + Retry-After)."""
    sandbox.configure(latency_ms=latency_ms, rate_limit_per_minute=RATE_LIMIT_PER_MINUTE)
    assert sandbox.size is not None
    out: dict[str, Any] = {
        "latency_ms": latency_ms,
        "rate_limit_per_minute": RATE_LIMIT_PER_MINUTE,
        "tickets": sandbox.size.tickets,
        "records": sandbox.total_records,
    }
    contenders = [("ours", None)] + ([] if naive_seconds is None else [("naive", naive_seconds)])
    for name, timeout in contenders:
        sandbox.reset()  # also empties the server's rate-limit window: each contender starts with a full budget
        with Poller(sandbox) as poller:
            run = measure(name, sandbox, workdir / f"remote-{name}.duckdb", timeout=timeout)
        run["timeboxed_s"] = timeout
        run["ok"] = run["returncode"] == 0 or bool(timeout)
        run["throttled_429"] = int(run["statuses"].get("429", 0))
        run.update(_rates(poller.samples, RATE_LIMIT_PER_MINUTE))
        out[name] = run
    sandbox.configure(latency_ms=0, rate_limit_per_minute=None)
    return out


def _loglog_slope(xs: list[float], ys: list[float]) -> float | None:
    pts = [(math.log(x), math.log(y)) for x, y in zip(xs, ys, strict=True) if x > 0 and y > 0]
    if len(pts) < 2:
        return None
    mx = sum(p[0] for p in pts) / len(pts)
    my = sum(p[1] for p in pts) / len(pts)
    den = sum((p[0] - mx) ** 2 for p in pts)
    return round(sum((p[0] - mx) * (p[1] - my) for p in pts) / den, 3) if den else None


def _linear_slope(xs: list[float], ys: list[float]) -> float | None:
    if len(xs) < 2:
        return None
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / den if den else None


def dbt_build(warehouse: Path) -> dict[str, Any]:
    """A full `dbt build` of `warehouse` in its own process (the raw data of one vendor)."""
    code = (
        "import sys, json; from pathlib import Path; from pipelines.transform import run_dbt\n"
        "from pipelines.warehouse import open_warehouse\n"
        "r = run_dbt(open_warehouse(Path(sys.argv[1]), 'duckdb'))\n"
        "print(json.dumps({'statuses': r.statuses, 'dbt_s': r.duration_s}))"
    )
    child = run_child([PYTHON, "-c", code, str(warehouse)], clean_env())
    result: dict[str, Any] = {"wall_s": child.wall_s, "peak_rss_mb": child.peak_rss_mb, "ok": child.returncode == 0}
    if child.returncode == 0:
        result.update(orjson.loads(child.stdout.strip().splitlines()[-1]))
    else:
        result["error"] = child.stderr_tail[-1500:]
    return result


def scaling(
    size: Size,
    sizes: list[int],
    sandboxes: dict[Size, Sandbox],
    main_run: dict[str, Any] | None,
    workdir: Path,
    with_dbt: bool,
) -> dict[str, Any]:
    """Ours' backfill at each ticket count (same parts/posts/voters): slopes of time and memory with size."""
    points = []
    for tickets in sizes:
        point_size = Size(tickets, size.parts_per_ticket, size.posts, size.voters)
        warehouse = workdir / f"scale-{tickets}.duckdb"
        if point_size == size and main_run is not None:
            run = main_run  # the same backfill on the same workspace: reuse it rather than measure twice
            records = run["records"]
        else:
            sandbox = sandboxes.get(point_size) or Sandbox.featurebase(point_size)
            try:
                run = measure("ours", sandbox, warehouse)
                records = sandbox.total_records
            finally:
                if point_size not in sandboxes:
                    sandbox.stop()
        point: dict[str, Any] = {
            "tickets": tickets,
            "records": records,
            "wall_s": run["wall_s"],
            "records_per_s": run["records_per_s"],
            "peak_rss_mb": run["peak_rss_mb"],
            "ok": run["ok"],
        }
        if with_dbt:
            target = workdir / "main-ours.duckdb" if run is main_run else warehouse
            point["dbt_build"] = dbt_build(target)
        points.append(point)
    xs = [p["records"] for p in points]
    walls = [p["wall_s"] for p in points]
    rss = [p["peak_rss_mb"] for p in points]
    linear = _linear_slope(xs, walls)
    summary: dict[str, Any] = {
        "points": points,
        "time_loglog_slope": _loglog_slope(xs, walls),
        "time_s_per_1k_records": round(linear * 1000, 4) if linear is not None else None,
        "rss_loglog_slope": _loglog_slope(xs, rss),
        "rss_ratio_largest_to_smallest": round(rss[-1] / rss[0], 3) if len(rss) > 1 and rss[0] else None,
    }
    if with_dbt:
        summary["dbt_loglog_slope"] = _loglog_slope(
            xs, [p["dbt_build"]["wall_s"] if p["dbt_build"]["ok"] else 0 for p in points]
        )
    return summary
