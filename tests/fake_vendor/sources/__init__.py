"""Fakevendor: feedback items with vote counts (one plain list, read whole every run)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import dlt
from dlt.sources import DltResource

from sources.common import scan
from sources.common.http import RequestStats
from sources.common.observations import VOTE_OBSERVATIONS_HINTS, vote_observation
from sources.common.quarantine import parse_timestamp
from sources.common.routing import good, to_side_table
from sources.fakevendor import helpers, settings


@dlt.source(name="fakevendor", max_table_nesting=0)
def fakevendor_source(
    api_key: str = dlt.secrets.value,
    base_url: str = "https://api.fakevendor.example",
    account: str = "default",
    reconcile: bool = False,
    as_of: str | None = None,
    request_stats: Any = None,
) -> Sequence[DltResource]:
    """Every item, and its vote count observed at the run's logical time."""
    stats = request_stats if isinstance(request_stats, RequestStats) else RequestStats()
    client = helpers.make_client(api_key, base_url, account, stats)
    observed_at = parse_timestamp(as_of) if as_of else datetime.now(UTC)

    @dlt.resource(name="items", primary_key=("source_account", "id"), write_disposition="merge")
    def items() -> Iterator[Any]:
        page = client.get(settings.ITEMS_PATH, endpoint=settings.ITEMS_ENDPOINT)
        for item in scan.scan(
            [page],
            lambda record: helpers.check_item(record, account),
            kind="items",
            entity="feedback",
            account=account,
            as_of=observed_at,
            complete=True,
            whole_list=True,  # only new and changed items are written and observed (a reconcile run: all)
            rewrite=reconcile,
        ):
            if rows := good(item):  # the page's items (side rows such as deletions give none)
                observations = [
                    vote_observation(
                        account=account, feedback_id=row["id"], observed_at=observed_at, vote_count=row["votes"]
                    )
                    for row in rows
                ]
                yield to_side_table(observations, VOTE_OBSERVATIONS_HINTS)
            yield item

    return (items,)
