"""`python -m benchmarks` (`make bench`): Featurebase backfill vs a competent and a naive dlt `rest_api` baseline and
fetch + insert ceilings, incremental and no-change runs, a remote-like run, scaling; per vendor backfills vs their
own competent baseline and ceiling; FeedbackKit's one big array; UsersLoop under its rate limit; four vendors in
one run; 50 accounts in one run; hourly end-to-end runs. Prints a text report and writes JSON to
benchmarks/results/ (see benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from benchmarks.harness import PARTS, SECTIONS, Options, run_all
from benchmarks.report import render, save
from benchmarks.sandbox import Size

ROOT = Path(__file__).resolve().parent.parent
# the quick preset leaves out the dbt build per scaling point (~35 s each, flat with size): the hourly section
# still measures a full and a selective build
QUICK: dict[str, Any] = {
    "skip": "dbt",
    "tickets": 2000,
    "sizes": "1000,2000,4000",
    "remote_tickets": 2500,
    "vendor_scales": "product7=2000,feedbackkit=5000,usersloop=2000",
    "limited_feedback": 200,
    "four_scales": "featurebase=300,product7=300,feedbackkit=1000,usersloop=200",
}
# the naive baseline holds ~2 MB per ticket (4.3 GB at 2k tickets), so the full preset compares at 5k tickets
FULL: dict[str, Any] = {
    "skip": "",
    "tickets": 5000,
    "sizes": "5000,20000,80000",
    "remote_tickets": 5000,
    "vendor_scales": "product7=5000,feedbackkit=5000,usersloop=5000",
    "limited_feedback": 500,
    "four_scales": "featurebase=1000,product7=1000,feedbackkit=3000,usersloop=500",
}


def _ints(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()]


def _scales(text: str) -> dict[str, int]:
    """`product7=2000,feedbackkit=5000` -> {"product7": 2000, "feedbackkit": 5000}."""
    pairs = (part.split("=", 1) for part in text.split(",") if part.strip())
    return {name.strip(): int(value) for name, value in pairs}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    preset = p.add_mutually_exclusive_group()
    preset.add_argument("--quick", action="store_true", help=f"the default: {QUICK} (~15 min)")
    preset.add_argument("--full", action="store_true", help=f"the issue's sizes: {FULL} (much longer)")
    p.add_argument("--tickets", type=int, help="Featurebase tickets in the headline workspace")
    p.add_argument("--parts-per-ticket", type=int, default=10)
    p.add_argument("--posts", type=int, default=200)
    p.add_argument("--voters", type=int, default=1000, help="Featurebase users who vote")
    p.add_argument("--sizes", help="comma-separated ticket counts for the scaling run ('' to skip)")
    p.add_argument("--remote-tickets", type=int, help="tickets in the remote-like run's workspace")
    p.add_argument("--remote-naive-seconds", type=float, default=40.0, help="time box of the naive remote run")
    p.add_argument("--latency-ms", type=float, default=50.0, help="latency of remote-like runs")
    p.add_argument("--change-fraction", type=float, default=0.01)
    p.add_argument("--vendor-scales", help="per-vendor backfill sizes, e.g. product7=2000,feedbackkit=5000")
    p.add_argument("--feedbacks", type=int, help="FeedbackKit feedbacks of the per-vendor backfill")
    p.add_argument("--arrays", default="5000,50000", help="FeedbackKit array sizes (feedbacks)")
    p.add_argument("--limited-feedback", type=int, help="UsersLoop feedback items of the rate-limited runs")
    p.add_argument("--rate-window-seconds", type=float, default=3.0, help="UsersLoop's minute, scaled")
    p.add_argument("--four-scales", help="sizes of the four-vendor and hourly runs, e.g. featurebase=300,...")
    p.add_argument("--accounts", type=int, default=50, help="Featurebase accounts in the many-accounts run")
    p.add_argument("--account-tickets", type=int, default=20, help="tickets per account in that run")
    p.add_argument("--skip", default="", help=f"comma-separated sections or parts to leave out: {SECTIONS + PARTS}")
    p.add_argument("--only", default="", help="comma-separated sections to run (all others skipped)")
    p.add_argument("--skip-remote", action="store_true", help="= --skip remote")
    p.add_argument("--skip-naive", action="store_true", help="= --skip naive")
    p.add_argument("--skip-dbt", action="store_true", help="= --skip dbt (dbt build per scaling point)")
    p.add_argument("--scaling-dbt", action="store_true", help="dbt build per scaling point (the full preset's default)")
    p.add_argument("--repeats", type=int, default=3, help="backfills per contender; the median wall time counts")
    p.add_argument("--workdir", type=Path, default=ROOT / "data" / "bench", help="scratch warehouses (wiped)")
    p.add_argument("--results-dir", type=Path, default=ROOT / "benchmarks" / "results")
    return p.parse_args(argv)


def options(args: argparse.Namespace) -> Options:
    preset = FULL if args.full else QUICK
    skip = {part.strip() for part in f"{preset['skip']},{args.skip}".split(",") if part.strip()}
    if args.scaling_dbt:
        skip.discard("dbt")
    if args.only:
        skip |= set(SECTIONS) - {part.strip() for part in args.only.split(",")}
    skip |= {
        name
        for name, flag in (("remote", args.skip_remote), ("naive", args.skip_naive), ("dbt", args.skip_dbt))
        if flag
    }
    unknown = skip - set(SECTIONS) - set(PARTS)
    if unknown:
        raise SystemExit(f"unknown section(s) {sorted(unknown)}; known: {SECTIONS + PARTS}")
    vendor_scales = _scales(preset["vendor_scales"]) | _scales(args.vendor_scales or "")
    if args.feedbacks:
        vendor_scales["feedbackkit"] = args.feedbacks
    sizes = args.sizes if args.sizes is not None else preset["sizes"]
    return Options(
        size=Size(args.tickets or preset["tickets"], args.parts_per_ticket, args.posts, args.voters),
        sizes=_ints(sizes),
        remote_tickets=args.remote_tickets or preset["remote_tickets"],
        remote_naive_seconds=args.remote_naive_seconds,
        vendor_scales=vendor_scales,
        array_sizes=_ints(args.arrays),
        limited_feedback=args.limited_feedback or preset["limited_feedback"],
        four_scales=_scales(preset["four_scales"]) | _scales(args.four_scales or ""),
        accounts=args.accounts,
        account_size=Size(args.account_tickets, args.parts_per_ticket, 10, 50),
        window_s=args.rate_window_seconds,
        latency_ms=args.latency_ms,
        change_fraction=args.change_fraction,
        repeats=args.repeats,
        skip=skip,
        workdir=args.workdir,
    )


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    report = run_all(options(args))
    path = save(report, args.results_dir)
    print(render(report))
    print(f"\nJSON: {path}")
    return report


if __name__ == "__main__":
    main(sys.argv[1:])
