"""The ceiling: the same endpoints fetched by a minimal client and written to DuckDB from Arrow tables. No
retries, no validation, no incremental state: the fastest this machine moves these records.

Two clients, both measured: `--client httpx` (the specified one: async httpx, 16 requests in flight) and
`--client stdlib` (stdlib `http.client`, one keep-alive connection per thread, 8 threads). httpx spends about
twice urllib3's CPU per call (measured 1.3 ms against 0.6 ms) and the whole run is CPU-bound on this machine, so
the httpx ceiling is no ceiling for a pipeline on urllib3; the faster of the two is the one the ratios use.
`python -m benchmarks.ceiling --url U --api-key K --db PATH [--client stdlib]` prints a JSON line of row counts.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import sys
import threading
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlencode, urlsplit

import duckdb
import httpx
import orjson
import pyarrow as pa

CONCURRENCY = 16
THREADS = 8
LOOKUPS = (
    ("ticket_statuses", "/v2/tickets/statuses"),
    ("ticket_categories", "/v2/tickets/categories"),
    ("ticket_custom_fields", "/v2/tickets/custom_fields"),
    ("boards", "/v2/boards"),
)
HEADERS = {"Featurebase-Version": "2026-01-01.nova", "Accept": "application/json"}


def _page(body: Any) -> tuple[list[dict[str, Any]], str | None]:
    """(records, next cursor) of a list response; plain-array endpoints are one page."""
    if isinstance(body, dict):
        return body.get("data") or [], body.get("nextCursor")
    return body, None


def flat(record: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """Top-level scalars as columns, nested values as JSON text (what our loader and dbt staging do)."""
    row = {k: (orjson.dumps(v).decode() if isinstance(v, dict | list) else v) for k, v in record.items()}
    row.update(extra)
    return row


class Ceiling:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.sem = asyncio.Semaphore(CONCURRENCY)
        self.rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.tasks: list[asyncio.Task[None]] = []

    async def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        async with self.sem:
            response = await self.client.get(path, params=params)
            response.raise_for_status()
            return orjson.loads(response.content)

    async def pages(self, path: str, params: dict[str, Any]) -> Any:
        cursor = None
        while True:
            data, cursor = _page(await self.get(path, {**params, **({"cursor": cursor} if cursor else {})}))
            yield data
            if not cursor or not data:
                return

    async def ticket(self, number: int, ticket_id: str) -> None:
        detail = await self.get(f"/v2/tickets/{number}")
        self.rows["conversation_parts"].extend(
            flat(p, ticket_id=ticket_id, position=i) for i, p in enumerate(detail.get("conversationParts") or [])
        )

    async def voters(self, post_id: str) -> None:
        async for page in self.pages(f"/v2/posts/{post_id}/voters", {"limit": 100}):
            self.rows["votes"].extend(flat(v, post_id=post_id) for v in page)

    async def tickets(self) -> None:
        async for page in self.pages("/v2/tickets", {"sortBy": "recent", "sortOrder": "desc", "limit": 100}):
            self.rows["tickets"].extend(flat(t) for t in page)
            self.tasks.extend(asyncio.create_task(self.ticket(t["ticketNumber"], t["id"])) for t in page)

    async def posts(self) -> None:
        async for page in self.pages("/v2/posts", {"sortBy": "recent", "sortOrder": "desc", "limit": 100}):
            self.rows["posts"].extend(flat(p) for p in page)
            self.tasks.extend(asyncio.create_task(self.voters(p["id"])) for p in page if p.get("upvotes"))

    async def comments(self) -> None:
        async for page in self.pages("/v2/comments", {"sortBy": "new", "limit": 100}):
            self.rows["comments"].extend(flat(c) for c in page)

    async def lookups(self) -> None:
        for name, path in LOOKUPS:
            items, _ = _page(await self.get(path))
            self.rows[name].extend(flat(i) for i in items)

    async def run(self) -> None:
        await asyncio.gather(self.tickets(), self.posts(), self.comments(), self.lookups())
        while self.tasks:  # details are scheduled while lists page on
            pending, self.tasks = self.tasks, []
            await asyncio.gather(*pending)


async def fetch(url: str, api_key: str) -> dict[str, list[dict[str, Any]]]:
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    headers = {**HEADERS, "Authorization": f"Bearer {api_key}"}
    async with httpx.AsyncClient(base_url=url, headers=headers, limits=limits, timeout=60) as client:
        ceiling = Ceiling(client)
        await ceiling.run()
        return ceiling.rows


class StdlibClient:
    """GET with stdlib `http.client` from any number of threads, each on its own keep-alive connection; paths
    are relative to the base URL's own path (`/api/v1` for FeedbackKit). Shared by every vendor's ceiling."""

    def __init__(self, base_url: str, headers: dict[str, str]) -> None:
        split = urlsplit(base_url)
        self.host, self.port = split.hostname or "127.0.0.1", split.port or 80
        self.prefix = split.path.rstrip("/")
        self.headers = headers
        self.local = threading.local()

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = self.local.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        target = self.prefix + path + (f"?{urlencode(params)}" if params else "")
        conn.request("GET", target, headers=self.headers)
        response = conn.getresponse()
        body = response.read()
        if response.status >= 400:
            raise RuntimeError(f"GET {path}: HTTP {response.status}")
        return orjson.loads(body)


class StdlibCeiling(StdlibClient):
    """The same fetches from threads, each with its own keep-alive `http.client` connection."""

    def __init__(self, url: str, api_key: str) -> None:
        super().__init__(url, {**HEADERS, "Authorization": f"Bearer {api_key}"})
        self.rows: dict[str, list[dict[str, Any]]] = defaultdict(list)

    def pages(self, path: str, params: dict[str, Any]) -> Any:
        cursor = None
        while True:
            data, cursor = _page(self.get(path, {**params, **({"cursor": cursor} if cursor else {})}))
            yield data
            if not cursor or not data:
                return

    def voters(self, post_id: str) -> list[dict[str, Any]]:
        return [
            flat(v, post_id=post_id) for page in self.pages(f"/v2/posts/{post_id}/voters", {"limit": 100}) for v in page
        ]

    def run(self) -> dict[str, list[dict[str, Any]]]:
        newest = {"sortBy": "recent", "sortOrder": "desc", "limit": 100}
        with ThreadPoolExecutor(THREADS) as pool:
            tickets = [t for page in self.pages("/v2/tickets", newest) for t in page]
            details = pool.map(lambda t: self.get(f"/v2/tickets/{t['ticketNumber']}"), tickets)
            self.rows["tickets"] = [flat(t) for t in tickets]
            for ticket, detail in zip(tickets, details, strict=True):
                self.rows["conversation_parts"].extend(
                    flat(p, ticket_id=ticket["id"], position=i)
                    for i, p in enumerate(detail.get("conversationParts") or [])
                )
            posts = [p for page in self.pages("/v2/posts", newest) for p in page]
            self.rows["posts"] = [flat(p) for p in posts]
            for voters in pool.map(self.voters, [p["id"] for p in posts if p.get("upvotes")]):
                self.rows["votes"].extend(voters)
        self.rows["comments"] = [
            flat(c) for page in self.pages("/v2/comments", {"sortBy": "new", "limit": 100}) for c in page
        ]
        for name, path in LOOKUPS:
            items, _ = _page(self.get(path))
            self.rows[name] = [flat(i) for i in items]
        return self.rows


def write(db: str, rows: dict[str, list[dict[str, Any]]]) -> dict[str, int]:
    con = duckdb.connect(db)
    counts: dict[str, int] = {}
    for table, records in rows.items():
        if not records:
            continue
        arrow = pa.Table.from_struct_array(pa.array(records))  # struct inference unions every record's keys
        con.register("batch", arrow)
        con.execute(f'CREATE OR REPLACE TABLE "{table}" AS SELECT * FROM batch')
        con.unregister("batch")
        counts[table] = arrow.num_rows
    con.close()
    return counts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.ceiling", description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--api-key", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--client", choices=("httpx", "stdlib"), default="httpx")
    args = parser.parse_args(argv)
    if args.client == "stdlib":
        rows = StdlibCeiling(args.url, args.api_key).run()
    else:
        rows = asyncio.run(fetch(args.url, args.api_key))
    sys.stdout.write(orjson.dumps({"rows": write(args.db, rows)}).decode() + "\n")


if __name__ == "__main__":
    main()
