"""Fetch + insert ceilings for Product7, FeedbackKit and UsersLoop, built like Featurebase's stdlib ceiling
(benchmarks/ceiling.py): stdlib `http.client` from 8 threads (one keep-alive connection each), nested values as
JSON text, one Arrow table per table written to DuckDB. No retries, validation, state or rate limit: the fastest
this machine moves these records. Each makes the fewest requests a complete load needs (FeedbackKit comments
only where `commentCount` > 0; list pages after the first fetched concurrently where the API numbers them).

`python -m benchmarks.vendor_ceilings --vendor V --base-url U --api-key K --db PATH` prints a JSON line of
row counts.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import orjson

from benchmarks.ceiling import THREADS, StdlibClient, flat, write

Rows = dict[str, list[dict[str, Any]]]


def product7(client: StdlibClient, pool: ThreadPoolExecutor) -> Rows:
    first = client.get("/api/v1/tickets", {"page": 1, "page_size": 100})
    pages = range(2, first["meta"]["total_pages"] + 1)
    tickets = first["data"] + [
        t for page in pool.map(lambda n: client.get("/api/v1/tickets", {"page": n, "page_size": 100}), pages)
        for t in page["data"]
    ]  # fmt: skip
    details = pool.map(lambda t: client.get(f"/api/v1/tickets/{t['uuid']}")["data"], tickets)
    activities = [flat(a, ticket_uuid=d["uuid"]) for d in details for a in d.get("activities") or []]
    feedback: list[dict[str, Any]] = []
    cursor = None
    while True:  # cursor paging: one page after another
        page = client.get("/api/v1/feedback", {"limit": 100, **({"cursor": cursor} if cursor else {})})
        feedback.extend(page["data"])
        cursor = page["meta"].get("next_cursor")
        if not cursor or not page["meta"].get("has_more"):
            break
    return {
        "workspace": [flat(client.get("/api/v1/me")["data"]["workspace"])],
        "members": [flat(m) for m in client.get("/api/v1/workspace/members")["data"]],
        "ticket_statuses": [flat(s) for s in client.get("/api/v1/ticket-statuses")["data"]],
        "tickets": [flat(t) for t in tickets],
        "ticket_activities": activities,
        "feedback": [flat(f) for f in feedback],
    }


def feedbackkit(client: StdlibClient, pool: ThreadPoolExecutor) -> Rows:
    feedbacks = client.get("/feedbacks", {"includeMerged": "true"})
    with_comments = [f["id"] for f in feedbacks if f.get("commentCount")]
    comments = pool.map(lambda fid: client.get(f"/feedbacks/{fid}/comments"), with_comments)
    return {
        "feedbacks": [flat(f) for f in feedbacks],
        "comments": [flat(c, feedback_id=fid) for fid, cs in zip(with_comments, comments, strict=True) for c in cs],
    }


def usersloop(client: StdlibClient, pool: ThreadPoolExecutor) -> Rows:
    def listed(path: str) -> list[dict[str, Any]]:
        first = client.get(path, {"per_page": 100, "page": 1})
        pages = range(2, first["last_page"] + 1)
        return first["data"] + [
            item for page in pool.map(lambda n: client.get(path, {"per_page": 100, "page": n}), pages)
            for item in page["data"]
        ]  # fmt: skip

    rows: Rows = {
        "boards": [flat(b) for b in client.get("/boards")["data"]],
        "helpdesk_categories": [flat(c) for c in client.get("/helpdesk/categories")["data"]],
    }
    for name, path in (
        ("feedback", "/feedback"),
        ("roadmap", "/roadmap"),
        ("updates", "/updates"),
        ("helpdesk_articles", "/helpdesk/articles"),
    ):
        items = listed(path)
        rows[name] = [flat(i) for i in items]
        urls = [f"{path}/{item['id']}" for item in items]
        rows[f"{name}_details"] = [flat(d) for d in pool.map(lambda url: client.get(url)["data"], urls)]
    return rows


CEILINGS: dict[str, tuple[Callable[[StdlibClient, ThreadPoolExecutor], Rows], Callable[[str], dict[str, str]]]] = {
    "product7": (product7, lambda key: {"Authorization": f"Bearer {key}"}),
    "feedbackkit": (feedbackkit, lambda key: {"X-API-Key": key}),
    "usersloop": (usersloop, lambda key: {"Authorization": f"Bearer {key}"}),
}


def fetch(vendor: str, base_url: str, api_key: str) -> Rows:
    run, auth = CEILINGS[vendor]
    client = StdlibClient(base_url, {"Accept": "application/json", **auth(api_key)})
    with ThreadPoolExecutor(THREADS) as pool:
        return run(client, pool)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.vendor_ceilings", description=__doc__)
    parser.add_argument("--vendor", choices=sorted(CEILINGS), required=True)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--api-key", required=True)
    parser.add_argument("--db", required=True)
    args = parser.parse_args(argv)
    rows = fetch(args.vendor, args.base_url, args.api_key)
    sys.stdout.write(orjson.dumps({"rows": write(args.db, rows)}).decode() + "\n")


if __name__ == "__main__":
    main()
