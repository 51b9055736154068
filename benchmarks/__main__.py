"""`python -m benchmarks` (`make bench`): backfill vs ceiling and naive dlt, incremental and no-change runs, a
remote-like run (latency + rate limit) and scaling. Prints a text report and writes JSON to benchmarks/results/.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from benchmarks.harness import ROOT, Options, Size, run_all
from benchmarks.report import render, save

QUICK = {"tickets": 2000, "sizes": "1000,2000,4000", "remote_tickets": 2500}
# the naive baseline holds ~2 MB per ticket (4.3 GB at 2k tickets), so the full preset compares at 5k tickets
FULL = {"tickets": 5000, "sizes": "5000,20000,80000", "remote_tickets": 5000}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    preset = p.add_mutually_exclusive_group()
    preset.add_argument("--quick", action="store_true", help=f"the default: {QUICK} (a few minutes)")
    preset.add_argument("--full", action="store_true", help=f"the issue's sizes: {FULL} (much longer)")
    p.add_argument("--tickets", type=int, help="tickets in the main workspace")
    p.add_argument("--parts-per-ticket", type=int, default=10)
    p.add_argument("--posts", type=int, default=200)
    p.add_argument("--voters", type=int, default=1000, help="users who vote")
    p.add_argument("--feedbacks", type=int, default=0, help="FeedbackKit feedbacks (no stand-in yet: ignored)")
    p.add_argument("--sizes", help="comma-separated ticket counts for the scaling run ('' to skip)")
    p.add_argument("--remote-tickets", type=int, help="tickets in the remote-like run's workspace")
    p.add_argument("--remote-naive-seconds", type=float, default=40.0, help="time box of the naive remote run")
    p.add_argument("--latency-ms", type=float, default=50.0)
    p.add_argument("--change-fraction", type=float, default=0.01)
    p.add_argument("--skip-remote", action="store_true")
    p.add_argument("--skip-naive", action="store_true")
    p.add_argument("--skip-dbt", action="store_true")
    p.add_argument("--repeats", type=int, default=3, help="backfills per contender; the median wall time counts")
    p.add_argument(
        "--naive-repeats", type=int, default=1, help="backfills of the naive baseline (one takes ~45 s at 2k tickets)"
    )
    p.add_argument("--workdir", type=Path, default=ROOT / "data" / "bench", help="scratch warehouses (wiped)")
    p.add_argument("--results-dir", type=Path, default=ROOT / "benchmarks" / "results")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    preset = FULL if args.full else QUICK
    tickets = args.tickets or preset["tickets"]
    sizes = args.sizes if args.sizes is not None else preset["sizes"]
    opts = Options(
        size=Size(tickets, args.parts_per_ticket, args.posts, args.voters, args.feedbacks),
        sizes=[int(s) for s in sizes.split(",") if s.strip()],
        remote_tickets=args.remote_tickets or preset["remote_tickets"],
        remote_naive_seconds=args.remote_naive_seconds,
        latency_ms=args.latency_ms,
        change_fraction=args.change_fraction,
        skip_remote=args.skip_remote,
        skip_naive=args.skip_naive,
        skip_dbt=args.skip_dbt,
        repeats=args.repeats,
        naive_repeats=args.naive_repeats,
        workdir=args.workdir,
    )
    report = run_all(opts)
    path = save(report, args.results_dir)
    print(render(report))
    print(f"\nJSON: {path}")
    return report


if __name__ == "__main__":
    main(sys.argv[1:])
