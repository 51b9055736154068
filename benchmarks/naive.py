"""The naive baseline: the same data loaded by a plain dlt `rest_api` configuration with dlt's defaults, what a
user writes in an afternoon: default loader file format (`insert_values` for DuckDB), default nesting (child
tables), one detail call at a time. `python -m benchmarks.naive --url U --api-key K --db PATH`.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

import dlt
import orjson
from dlt.sources.rest_api import rest_api_source


def config(url: str, api_key: str) -> dict[str, Any]:
    newest_first = {"sortBy": "recent", "sortOrder": "desc", "limit": 100}
    return {
        "client": {
            "base_url": url.rstrip("/") + "/",
            "auth": {"type": "bearer", "token": api_key},
            "headers": {"Featurebase-Version": "2026-01-01.nova"},
            "paginator": {"type": "cursor", "cursor_path": "nextCursor", "cursor_param": "cursor"},
        },
        "resources": [
            {
                "name": "tickets",
                "primary_key": "id",
                "write_disposition": "merge",
                "endpoint": {
                    "path": "v2/tickets",
                    "params": newest_first,
                    "data_selector": "data",
                    "incremental": {"cursor_path": "updatedAt", "initial_value": "1970-01-01T00:00:00.000Z"},
                },
            },
            {
                "name": "ticket_details",
                "endpoint": {"path": "v2/tickets/{resources.tickets.ticketNumber}", "paginator": "single_page"},
            },
            {
                "name": "posts",
                "primary_key": "id",
                "write_disposition": "merge",
                "endpoint": {
                    "path": "v2/posts",
                    "params": newest_first,
                    "data_selector": "data",
                    "incremental": {"cursor_path": "updatedAt", "initial_value": "1970-01-01T00:00:00.000Z"},
                },
            },
            {
                "name": "post_voters",
                "endpoint": {
                    "path": "v2/posts/{resources.posts.id}/voters",
                    "params": {"limit": 100},
                    "data_selector": "data",
                },
                "include_from_parent": ["id"],
            },
            {
                "name": "comments",
                "endpoint": {"path": "v2/comments", "params": {"sortBy": "new", "limit": 100}, "data_selector": "data"},
            },
            {"name": "boards", "endpoint": {"path": "v2/boards", "paginator": "single_page"}},
        ],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.naive", description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--api-key", required=True)
    parser.add_argument("--db", required=True)
    args = parser.parse_args(argv)
    os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
    pipeline = dlt.pipeline(
        pipeline_name="naive_featurebase",
        destination=dlt.destinations.duckdb(args.db),
        dataset_name="featurebase",
        pipelines_dir=args.db + ".dlt",
    )
    pipeline.run(rest_api_source(config(args.url, args.api_key)))
    rows = dict(pipeline.last_trace.last_normalize_info.row_counts)
    sys.stdout.write(orjson.dumps({"rows": {k: v for k, v in rows.items() if not k.startswith("_dlt")}}).decode())
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
