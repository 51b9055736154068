"""The ceiling: the same endpoints fetched by a minimal async httpx client (16 requests in flight) and written
to DuckDB from Arrow tables. No retries, no validation, no incremental state: the fastest this machine moves
these records. `python -m benchmarks.ceiling --url U --api-key K --db PATH` prints a JSON line of row counts.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections import defaultdict
from typing import Any

import duckdb
import httpx
import orjson
import pyarrow as pa

CONCURRENCY = 16
HEADERS = {"Featurebase-Version": "2026-01-01.nova", "Accept": "application/json"}


def _flat(record: dict[str, Any], **extra: Any) -> dict[str, Any]:
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
            body = await self.get(path, {**params, **({"cursor": cursor} if cursor else {})})
            data = body.get("data") or [] if isinstance(body, dict) else body
            yield data
            cursor = body.get("nextCursor") if isinstance(body, dict) else None
            if not cursor or not data:
                return

    async def ticket(self, number: int, ticket_id: str) -> None:
        detail = await self.get(f"/v2/tickets/{number}")
        self.rows["conversation_parts"].extend(
            _flat(p, ticket_id=ticket_id, position=i) for i, p in enumerate(detail.get("conversationParts") or [])
        )

    async def voters(self, post_id: str) -> None:
        async for page in self.pages(f"/v2/posts/{post_id}/voters", {"limit": 100}):
            self.rows["votes"].extend(_flat(v, post_id=post_id) for v in page)

    async def tickets(self) -> None:
        async for page in self.pages("/v2/tickets", {"sortBy": "recent", "sortOrder": "desc", "limit": 100}):
            self.rows["tickets"].extend(_flat(t) for t in page)
            self.tasks.extend(asyncio.create_task(self.ticket(t["ticketNumber"], t["id"])) for t in page)

    async def posts(self) -> None:
        async for page in self.pages("/v2/posts", {"sortBy": "recent", "sortOrder": "desc", "limit": 100}):
            self.rows["posts"].extend(_flat(p) for p in page)
            self.tasks.extend(asyncio.create_task(self.voters(p["id"])) for p in page if p.get("upvotes"))

    async def comments(self) -> None:
        async for page in self.pages("/v2/comments", {"sortBy": "new", "limit": 100}):
            self.rows["comments"].extend(_flat(c) for c in page)

    async def lookups(self) -> None:
        for name, path in (
            ("ticket_statuses", "/v2/tickets/statuses"),
            ("ticket_categories", "/v2/tickets/categories"),
            ("ticket_custom_fields", "/v2/tickets/custom_fields"),
            ("boards", "/v2/boards"),
        ):
            body = await self.get(path)
            items = body.get("data", []) if isinstance(body, dict) else body
            self.rows[name].extend(_flat(i) for i in items)

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
    args = parser.parse_args(argv)
    rows = asyncio.run(fetch(args.url, args.api_key))
    sys.stdout.write(orjson.dumps({"rows": write(args.db, rows)}).decode() + "\n")


if __name__ == "__main__":
    main()
