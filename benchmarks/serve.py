"""`python -m benchmarks.serve --tickets N ...`: a generator-sized Featurebase sandbox in its own process.

Prints one JSON line on stdout once it listens ({"url", "api_key", "records", "generate_s"}), then serves on
127.0.0.1 (no latency, no rate limit until set through `POST /_sandbox/config`) until stdin closes or it is
terminated. The benchmark driver steers it over the `/_sandbox/` control API.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

import orjson

from sandbox.featurebase import FeaturebaseApp, FeaturebaseWorkspace, generate_workspace
from sandbox.framework.server import SandboxServer

API_KEY = "fb_bench_key"


def record_counts(ws: FeaturebaseWorkspace) -> dict[str, int]:
    """The benchmark's record definition: tickets + conversation parts + posts + votes (post-voter pairs) +
    comments, counted from the generated workspace (the same for every contender)."""
    fb = ws.feedback
    return {
        "tickets": len(ws._tickets),
        "conversation_parts": sum(len(parts) for parts in ws._parts.values()),
        "posts": len(fb.posts),
        "votes": sum(len(v) for v in fb.votes.values()),
        "comments": len(fb.comments),
    }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.serve", description=__doc__)
    parser.add_argument("--tickets", type=int, default=2000)
    parser.add_argument("--parts-per-ticket", type=int, default=10)
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--voters", type=int, default=1000, help="users who vote (the voter pool)")
    parser.add_argument("--companies", type=int, default=200)
    parser.add_argument(
        "--feedbacks", type=int, default=0, help="FeedbackKit feedbacks (no FeedbackKit stand-in yet: ignored)"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--port", type=int, default=0)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    started = time.monotonic()
    ws = generate_workspace(
        seed=args.seed,
        tickets=args.tickets,
        parts_per_ticket=args.parts_per_ticket,
        posts=args.posts,
        users=args.voters,
        companies=args.companies,
    )
    generate_s = time.monotonic() - started
    server = SandboxServer(FeaturebaseApp({API_KEY: ws}), port=args.port).start()
    info: dict[str, Any] = {
        "url": server.url,
        "api_key": API_KEY,
        "records": record_counts(ws),
        "generate_s": round(generate_s, 3),
        "feedbacks_served": False,
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
