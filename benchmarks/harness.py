"""Benchmark driver: one sandbox process per workspace size, one subprocess per measured contender.

Wall time and peak RSS are the child's own (`os.wait4` rusage, so nothing of the driver leaks in, and every
contender pays its own imports); request counts come from the sandbox's control API, so every contender is
counted the same way, by the server.
"""

from __future__ import annotations

import math
import os
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx
import orjson

from sources.featurebase import settings

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CLI = str(Path(PYTHON).with_name("feedback-warehouse"))
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


@dataclass(frozen=True)
class Size:
    tickets: int
    parts_per_ticket: int = 10
    posts: int = 200
    voters: int = 1000
    feedbacks: int = 0

    def args(self) -> list[str]:
        return [
            "--tickets",
            str(self.tickets),
            "--parts-per-ticket",
            str(self.parts_per_ticket),
            "--posts",
            str(self.posts),
            "--voters",
            str(self.voters),
            "--feedbacks",
            str(self.feedbacks),
        ]


@dataclass
class ChildRun:
    wall_s: float
    peak_rss_mb: float
    returncode: int
    stdout: str
    stderr_tail: str
    timed_out: bool = False


def run_child(cmd: list[str], env: dict[str, str] | None = None, timeout: float | None = None) -> ChildRun:
    """Run `cmd`, return its wall time and its own peak RSS (ru_maxrss of exactly this child, via wait4)."""
    out_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-{os.getpid()}-{time.monotonic_ns()}"
    with open(f"{out_path}.out", "wb") as out, open(f"{out_path}.err", "wb") as err:
        started = time.monotonic()
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        timed_out = threading.Event()

        def stop() -> None:
            timed_out.set()
            os.kill(proc.pid, signal.SIGTERM)

        timer = threading.Timer(timeout, stop) if timeout else None
        if timer:
            timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.monotonic() - started
        if timer:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
    stdout = Path(f"{out_path}.out").read_text(errors="replace")
    stderr = Path(f"{out_path}.err").read_text(errors="replace")
    for suffix in (".out", ".err"):
        Path(f"{out_path}{suffix}").unlink(missing_ok=True)
    return ChildRun(
        wall_s=round(wall, 3),
        peak_rss_mb=round(usage.ru_maxrss / 1024, 1),  # Linux: kilobytes
        returncode=proc.returncode,
        stdout=stdout,
        stderr_tail="\n".join(stderr.strip().splitlines()[-15:]),
        timed_out=timed_out.is_set(),
    )


class Sandbox:
    """`python -m benchmarks.serve` in its own process, steered over /_sandbox/."""

    def __init__(self, size: Size) -> None:
        self.size = size
        self.rate_limit_per_minute: int | None = None  # what the server enforces (none for throughput runs)
        self.proc = subprocess.Popen(
            [PYTHON, "-m", "benchmarks.serve", *size.args()],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"sandbox for {size} did not start (exit {self.proc.wait()})")
        info = orjson.loads(line)
        self.url: str = info["url"]
        self.api_key: str = info["api_key"]
        self.records: dict[str, int] = info["records"]
        self.generate_s: float = info["generate_s"]
        self.http = httpx.Client(base_url=self.url, timeout=120)

    @property
    def total_records(self) -> int:
        return sum(self.records.values())

    def counts(self) -> dict[str, Any]:
        self._alive()
        return self.http.get("/_sandbox/requests").json()

    def reset(self) -> None:
        self._alive()
        self.http.post("/_sandbox/requests/reset").raise_for_status()

    def configure(self, **config: Any) -> None:
        self.http.post("/_sandbox/config", json=config).raise_for_status()
        if "rate_limit_per_minute" in config:
            self.rate_limit_per_minute = config["rate_limit_per_minute"]

    def mutate(self, action: str, **kwargs: Any) -> Any:
        response = self.http.post("/_sandbox/mutate", json={"action": action, **kwargs})
        response.raise_for_status()
        return response.json()["result"]

    def truth(self) -> dict[str, Any]:
        body = self.http.get("/_sandbox/truth").json()
        return next(iter(body.values()))

    def _alive(self) -> None:
        if self.proc.poll() is not None:
            raise RuntimeError(f"sandbox process exited with {self.proc.returncode}")

    def stop(self) -> None:
        self.http.close()
        if self.proc.stdin:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.terminate()
            self.proc.wait(timeout=10)


class Poller:
    """Samples the sandbox's request counters every `interval` s (for rates over time in the remote run)."""

    def __init__(self, sandbox: Sandbox, interval: float = 0.25) -> None:
        self.sandbox = sandbox
        self.interval = interval
        self.samples: list[tuple[float, dict[str, int]]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._http = httpx.Client(base_url=sandbox.url, timeout=30)

    def __enter__(self) -> Poller:
        self._t0 = time.monotonic()
        self._sample()  # a zero point before the contender starts, so every rate has a start
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()
        self._http.close()

    def _sample(self) -> None:
        counts = self._http.get("/_sandbox/requests").json()["counts"]
        self.samples.append((time.monotonic() - self._t0, counts))

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()


# ------------------------------------------------------------------------------------------- contenders
def _env_without_vendor_config() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOURCES__") and k != "FEEDBACK_WAREHOUSE"}
    env["RUNTIME__DLTHUB_TELEMETRY"] = "false"
    # as installed: bytecode caches on (an environment that turns them off recompiles every module per run)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def ours_cmd(warehouse: Path) -> list[str]:
    return [CLI, "run", "--warehouse", str(warehouse), "--no-transform"]


def ours_env(sandbox: Sandbox, **extra: str) -> dict[str, str]:
    env = _env_without_vendor_config()
    env["SOURCES__FEATUREBASE__API_KEY"] = sandbox.api_key
    env["SOURCES__FEATUREBASE__BASE_URL"] = sandbox.url
    env.update(extra)
    return env


def contender_cmd(name: str, sandbox: Sandbox, db: Path) -> tuple[list[str], dict[str, str]]:
    if name == "ours":
        # our client keeps to the limit of the API it talks to: the vendor's 2,000/min where the server enforces
        # it, none where it does not (throughput runs), as the naive and ceiling clients never limit themselves
        limit = str(sandbox.rate_limit_per_minute or 0)
        return ours_cmd(db), ours_env(sandbox, SOURCES__FEATUREBASE__RATE_LIMIT_PER_MINUTE=limit)
    module = {"ceiling": "benchmarks.ceiling", "ceiling_stdlib": "benchmarks.ceiling", "naive": "benchmarks.naive"}[
        name
    ]
    cmd = [PYTHON, "-m", module, "--url", sandbox.url, "--api-key", sandbox.api_key, "--db", str(db)]
    if name == "ceiling_stdlib":
        cmd += ["--client", "stdlib"]
    return cmd, _env_without_vendor_config()


def table_rows(db: Path) -> dict[str, int]:
    """Rows per table in a contender's DuckDB file (sanity: every contender really loaded the data)."""
    import duckdb

    if not db.exists():
        return {}
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_type = 'BASE TABLE' and table_name not like '\\_dlt%' escape '\\'"
        ).fetchall()
        return {
            f"{schema}.{name}": con.execute(f'select count(*) from "{schema}"."{name}"').fetchone()[0]
            for schema, name in tables
        }
    finally:
        con.close()


def measure(name: str, sandbox: Sandbox, db: Path, timeout: float | None = None, **env: str) -> dict[str, Any]:
    sandbox.reset()
    cmd, child_env = contender_cmd(name, sandbox, db)
    child_env.update(env)
    child = run_child(cmd, child_env, timeout)
    stats = sandbox.counts()
    requests = dict(sorted(stats["counts"].items()))
    result: dict[str, Any] = {
        "contender": name,
        "wall_s": child.wall_s,
        "records": sandbox.total_records,
        "records_per_s": round(sandbox.total_records / child.wall_s, 1) if child.wall_s else None,
        "requests": sum(requests.values()),
        "requests_by_endpoint": requests,
        "statuses": stats["statuses"],
        "peak_rss_mb": child.peak_rss_mb,
        "returncode": child.returncode,
        "ok": child.returncode == 0 and not child.timed_out,
    }
    if not result["ok"]:
        result["stderr_tail"] = child.stderr_tail or child.stdout[-2000:]
    return result


def measure_repeated(
    contenders: list[str], sandbox: Sandbox, workdir: Path, repeats: dict[str, int]
) -> dict[str, dict[str, Any]]:
    """Each contender's backfill `repeats[name]` times, round-robin so a slow spell of the machine (a shared
    VM: steal time comes and goes) hits every contender alike; the median wall time is the figure.

    Every repeat loads a fresh warehouse (a second run into the same one would be incremental); the last one
    is kept as `main-<name>.duckdb` for the incremental and no-change runs that follow.
    """
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in contenders}
    for round_ in range(max(repeats.values())):
        for name in contenders:
            if round_ >= repeats[name]:
                continue
            last = round_ == repeats[name] - 1
            db = workdir / (f"main-{name}.duckdb" if last else f"main-{name}-r{round_}.duckdb")
            runs[name].append(measure(name, sandbox, db))
    return {name: _median_run(results) for name, results in runs.items()}


def _median_run(results: list[dict[str, Any]]) -> dict[str, Any]:
    median = statistics.median(r["wall_s"] for r in results)
    run = dict(results[-1])
    run["wall_s"] = round(median, 3)
    run["wall_s_runs"] = [r["wall_s"] for r in results]
    run["records_per_s"] = round(run["records"] / median, 1) if median else None
    run["peak_rss_mb"] = max(r["peak_rss_mb"] for r in results)
    run["ok"] = all(r["ok"] for r in results)
    return run


# ----------------------------------------------------------------------------------------- scenarios
@dataclass
class Options:
    size: Size
    sizes: list[int]
    remote_tickets: int
    remote_naive_seconds: float
    latency_ms: float = 50.0
    change_fraction: float = 0.01
    skip_remote: bool = False
    skip_naive: bool = False
    skip_dbt: bool = False
    repeats: int = 3
    naive_repeats: int = 1
    workdir: Path = field(default_factory=lambda: ROOT / "data" / "bench")


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
    at_first = 0
    span = max(last - first, 1e-6)
    t0 = next((t for t, c in samples if total(c) > 0), 0.0)
    in_window = max((total(c) for t, c in samples if t <= t0 + 60.0), default=0)
    burst_end = next((t for t, c in samples if total(c) >= limit), None)
    rate = (final_detail - at_first) / span
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


def remote(sandbox: Sandbox, opts: Options, workdir: Path) -> dict[str, Any]:
    """Latency on every response + the vendor's rate limit enforced by the server (429 + Retry-After)."""
    sandbox.configure(latency_ms=opts.latency_ms, rate_limit_per_minute=RATE_LIMIT_PER_MINUTE)
    out: dict[str, Any] = {
        "latency_ms": opts.latency_ms,
        "rate_limit_per_minute": RATE_LIMIT_PER_MINUTE,
        "tickets": sandbox.size.tickets,
        "records": sandbox.total_records,
    }
    contenders = [("ours", None)] + ([] if opts.skip_naive else [("naive", opts.remote_naive_seconds)])
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
    code = (
        "import sys, json; from pathlib import Path; from pipelines.transform import run_dbt\n"
        "r = run_dbt(Path(sys.argv[1])); print(json.dumps({'statuses': r.statuses, 'dbt_s': r.duration_s}))"
    )
    child = run_child([PYTHON, "-c", code, str(warehouse)], _env_without_vendor_config())
    result: dict[str, Any] = {"wall_s": child.wall_s, "peak_rss_mb": child.peak_rss_mb, "ok": child.returncode == 0}
    if child.returncode == 0:
        result.update(orjson.loads(child.stdout.strip().splitlines()[-1]))
    else:
        result["error"] = child.stderr_tail[-1500:]
    return result


def scaling(opts: Options, sandboxes: dict[Size, Sandbox], main_run: dict[str, Any] | None, workdir: Path) -> dict:
    points = []
    for tickets in opts.sizes:
        size = Size(tickets, opts.size.parts_per_ticket, opts.size.posts, opts.size.voters, opts.size.feedbacks)
        warehouse = workdir / f"scale-{tickets}.duckdb"
        if size == opts.size and main_run is not None:
            run = main_run  # the same backfill on the same workspace: reuse it rather than measure twice
            records = run["records"]
        else:
            sandbox = sandboxes.get(size) or Sandbox(size)
            try:
                run = measure("ours", sandbox, warehouse)
                records = sandbox.total_records
            finally:
                if size not in sandboxes:
                    sandbox.stop()
        point: dict[str, Any] = {
            "tickets": tickets,
            "records": records,
            "wall_s": run["wall_s"],
            "records_per_s": run["records_per_s"],
            "peak_rss_mb": run["peak_rss_mb"],
            "ok": run["ok"],
        }
        if not opts.skip_dbt:
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
    if not opts.skip_dbt:
        summary["dbt_loglog_slope"] = _loglog_slope(
            xs, [p["dbt_build"]["wall_s"] if p["dbt_build"]["ok"] else 0 for p in points]
        )
    return summary


def run_all(opts: Options) -> dict[str, Any]:
    workdir = opts.workdir
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    report: dict[str, Any] = {
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {
            "cpus": os.cpu_count(),
            "load_avg_at_start": list(os.getloadavg()),
            "python": sys.version.split()[0],
        },
        "workspace": asdict(opts.size),
        "notes": [],
    }
    started = time.monotonic()
    sandboxes: dict[Size, Sandbox] = {}
    try:
        main = sandboxes[opts.size] = Sandbox(opts.size)
        report["records"] = dict(main.records, total=main.total_records)
        report["sandbox_generate_s"] = main.generate_s
        if opts.size.feedbacks:
            report["notes"].append("--feedbacks ignored: there is no FeedbackKit stand-in in the sandbox yet")
        contenders = ["ceiling", "ceiling_stdlib"] + ([] if opts.skip_naive else ["naive"]) + ["ours"]
        repeats = {name: (opts.naive_repeats if name == "naive" else opts.repeats) for name in contenders}
        runs = measure_repeated(contenders, main, workdir, repeats)
        for name, run in runs.items():
            run["rows_loaded"] = table_rows(workdir / f"main-{name}.duckdb")
        report["backfill"] = runs
        ours = runs["ours"]
        # the ceiling is the faster of the two minimal clients (see benchmarks/ceiling.py)
        best_ceiling = max(runs["ceiling"]["records_per_s"], runs["ceiling_stdlib"]["records_per_s"])
        report["ratios"] = {
            "ours_vs_ceiling": round(ours["records_per_s"] / best_ceiling, 3),
            "ours_vs_ceiling_httpx": round(ours["records_per_s"] / runs["ceiling"]["records_per_s"], 3),
            **(
                {"ours_vs_naive": round(ours["records_per_s"] / runs["naive"]["records_per_s"], 3)}
                if "naive" in runs
                else {}
            ),
        }
        warehouse = workdir / "main-ours.duckdb"
        report["incremental"] = incremental(main, warehouse, ours["wall_s"], opts.change_fraction)
        report["no_change"] = no_change(main, warehouse, ours["wall_s"])
        if not opts.skip_remote:
            remote_size = Size(
                opts.remote_tickets, opts.size.parts_per_ticket, opts.size.posts, opts.size.voters, opts.size.feedbacks
            )
            sandbox = sandboxes.get(remote_size) or Sandbox(remote_size)
            try:
                report["remote"] = remote(sandbox, opts, workdir)
            finally:
                if remote_size not in sandboxes:
                    sandbox.stop()
        if opts.sizes:
            report["scaling"] = scaling(opts, sandboxes, ours, workdir)
    finally:
        for sandbox in sandboxes.values():
            sandbox.stop()
    report["targets"] = targets(report)
    report["duration_s"] = round(time.monotonic() - started, 1)
    return report


def targets(report: dict[str, Any]) -> dict[str, Any]:
    """Each target of the benchmarks issue with its figure and whether it is met."""
    out: dict[str, Any] = {}
    ratios = report.get("ratios", {})
    if "ours_vs_ceiling" in ratios:
        out["backfill_vs_ceiling_>=0.25"] = {
            "value": ratios["ours_vs_ceiling"],
            "met": ratios["ours_vs_ceiling"] >= 0.25,
        }
    if "ours_vs_naive" in ratios:
        out["backfill_vs_naive_>=6"] = {"value": ratios["ours_vs_naive"], "met": ratios["ours_vs_naive"] >= 6}
    if remote_ours := report.get("remote", {}).get("ours"):
        share = remote_ours.get("detail_share_of_allowance", 0)
        out["remote_detail_share_>=0.8_and_no_429"] = {
            "value": share,
            "throttled_429": remote_ours["throttled_429"],
            "met": share >= 0.8 and remote_ours["throttled_429"] == 0,
        }
    if inc := report.get("incremental"):
        out["incremental_requests_<=1.1x_min"] = {
            "value": inc["ratio_to_minimum"],
            "met": inc["ratio_to_minimum"] <= 1.1,
        }
    if nc := report.get("no_change"):
        lists_ok = all(v == 1 for v in nc["list_requests"].values())
        out["no_change_one_list_per_stream_zero_detail"] = {
            "value": {**nc["list_requests"], "detail": nc["detail_requests"], "lookups": nc["lookup_requests"]},
            "met": lists_ok and nc["detail_requests"] == 0,
        }
    if (scale := report.get("scaling")) and len(scale["points"]) > 1:
        largest = scale["points"][-1]
        out["largest_backfill_rss_<1GiB_and_<=1.5x_smallest"] = {
            "value": {"largest_mb": largest["peak_rss_mb"], "ratio": scale["rss_ratio_largest_to_smallest"]},
            "met": largest["peak_rss_mb"] < 1024 and (scale["rss_ratio_largest_to_smallest"] or 99) <= 1.5,
        }
    return out
