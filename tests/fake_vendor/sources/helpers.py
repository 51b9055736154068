"""Fakevendor HTTP calls and record checks, on the shared layers."""

from __future__ import annotations

from typing import Any

from sources.common.http import RequestStats, VendorClient
from sources.common.records import check_record
from sources.fakevendor import settings


def make_client(api_key: str, base_url: str, account: str, stats: RequestStats | None = None) -> VendorClient:
    return VendorClient(
        vendor=settings.NAME,
        base_url=base_url,
        headers={"Authorization": f"Bearer {api_key}"},
        secrets=[api_key],
        env_prefix=settings.ENV_PREFIX,
        account=account,
        stats=stats,
        max_attempts=2,
    )


def check_item(record: Any, account: str) -> Any:
    return check_record(
        record,
        vendor=settings.NAME,
        account=account,
        endpoint=settings.ITEMS_ENDPOINT,
        kind="item",
        timestamps=("created_at",),
        cursor=None,
    )


def check_credentials(api_key: str, base_url: str, account: str) -> None:
    client = make_client(api_key, base_url, account)
    try:
        client.get(settings.ITEMS_PATH, endpoint=settings.ITEMS_ENDPOINT)
    finally:
        client.close()
