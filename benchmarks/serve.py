"""`python -m benchmarks.serve --vendor V ...`: one vendor's generator-sized stand-in in its own process.

Prints one JSON line on stdout once it listens ({"vendor", "url", "base_url", "api_keys", "records" (of the
first account), "records_all_accounts", "generate_s"}), then serves on 127.0.0.1 until stdin closes or it is
terminated. No latency and no rate limit (UsersLoop's default limit is lifted too) until the driver sets them
through `POST /_sandbox/config`; the driver steers everything else (request counts, the request log,
mutations, truth) over the `/_sandbox/` control API.

`--accounts N` serves N accounts on the one port, one API key and one workspace each (seeds differ, sizes do
not): the many-accounts benchmark. A process per vendor keeps each stand-in's CPU out of the others' way.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

import orjson

from benchmarks.records import record_counts
from pipelines.vendors import get_vendor
from sandbox.framework.server import SandboxServer


def api_key(vendor: str, index: int) -> str:
    """The key of account `index` (0-based); the first account's key names no index."""
    return f"{vendor}_bench_key" if index == 0 else f"{vendor}_bench_key_{index}"


def generate(vendor: str, args: argparse.Namespace, seed: int, account_id: str) -> Any:
    """One workspace: Featurebase through its own generator (the benchmark sizes parts, posts and voters too),
    the other vendors through their stand-in's declared `generate` (`--scale` = its main size knob)."""
    if vendor == "featurebase":
        from sandbox.featurebase import generate_workspace

        return generate_workspace(
            seed=seed,
            tickets=args.tickets,
            parts_per_ticket=args.parts_per_ticket,
            posts=args.posts,
            users=args.voters,
            companies=args.companies,
            org_id=account_id,
        )
    return get_vendor(vendor).sandbox_vendor().generate(seed, args.scale, account_id)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.serve", description=__doc__)
    parser.add_argument("--vendor", default="featurebase")
    parser.add_argument("--accounts", type=int, default=1, help="accounts (API keys) served, one workspace each")
    parser.add_argument("--scale", type=int, default=0, help="size of a non-Featurebase workspace (0: its demo's)")
    parser.add_argument("--tickets", type=int, default=2000, help="Featurebase tickets")
    parser.add_argument("--parts-per-ticket", type=int, default=10)
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--voters", type=int, default=1000, help="Featurebase users who vote (the voter pool)")
    parser.add_argument("--companies", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--port", type=int, default=0)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    stand_in = get_vendor(args.vendor).sandbox_vendor()
    started = time.monotonic()
    workspaces = {
        api_key(args.vendor, i): generate(args.vendor, args, args.seed + i, f"bench{i}") for i in range(args.accounts)
    }
    generate_s = time.monotonic() - started
    # throughput first: no limit enforced (UsersLoop's app enforces its documented 60/min unless told otherwise)
    app = stand_in.app(workspaces, rate_limit_per_minute=None)
    server = SandboxServer(app, port=args.port).start()
    counts = [record_counts(args.vendor, ws) for ws in workspaces.values()]
    info: dict[str, Any] = {
        "vendor": args.vendor,
        "url": server.url,
        "base_url": stand_in.base_url(server.url, shared_port=False),
        "api_keys": list(workspaces),
        "records": counts[0],  # the first account's
        "records_all_accounts": sum(sum(c.values()) for c in counts),
        "generate_s": round(generate_s, 3),
    }
    sys.stdout.write(orjson.dumps(info).decode() + "\n")
    sys.stdout.flush()
    try:
        sys.stdin.read()  # the driver holds our stdin open; EOF (driver gone) stops the server
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
