"""Paging every stand-in needs, written once: opaque cursors, keyset walks, page numbers, Laravel paginators,
and the validation of query parameters that goes with them.

Each vendor documents its own shapes (Featurebase `nextCursor`, Product7 `meta.next_cursor` and `page`/
`page_size`, UsersLoop's two Laravel paginator shapes); the vendor apps pass field names and limits, these
helpers do the slicing and encoding.
"""

from __future__ import annotations

import base64
import binascii
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from typing import Any
from urllib.parse import urlencode

import orjson

from sandbox.framework.server import Request


class ParamError(ValueError):
    """A query parameter the vendor would reject; the app turns it into its own error body."""

    def __init__(self, param: str, message: str) -> None:
        self.param = param
        super().__init__(message)


# ----------------------------------------------------------------------------------------- parameters
def int_arg(request: Request, name: str, default: int, lo: int, hi: int | None) -> int:
    """An integer query parameter within [lo, hi] (hi None = unbounded), else ParamError."""
    raw = request.arg(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = lo - 1
    if value < lo or (hi is not None and value > hi):
        upper = f" and {hi}" if hi is not None else ""
        raise ParamError(name, f"{name} must be an integer between {lo}{upper}" if hi else f"{name} must be >= {lo}")
    return value


def choice_arg(request: Request, name: str, default: str, choices: Sequence[str]) -> str:
    value = request.arg(name, default) or default
    if value not in choices:
        raise ParamError(name, f"{name} must be one of {', '.join(choices)}")
    return value


def multi_arg(request: Request, name: str) -> list[str]:
    """Array query params as `a=x&a=y`, `a[]=x` or `a=x,y`."""
    values = request.query.get(name, []) + request.query.get(f"{name}[]", [])
    return [v for raw in values for v in raw.split(",") if v]


# -------------------------------------------------------------------------------------------- cursors
def encode_cursor(payload: dict[str, Any]) -> str:
    """An opaque, URL-safe cursor for a JSON payload (what real APIs hand out)."""
    return base64.urlsafe_b64encode(orjson.dumps(payload)).decode().rstrip("=")


def decode_cursor(raw: str) -> dict[str, Any]:
    """The payload of `encode_cursor`; ValueError for anything else (the vendor's 'invalid cursor')."""
    try:
        value = orjson.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    except (binascii.Error, orjson.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError("bad cursor") from exc
    if not isinstance(value, dict):
        raise ValueError("cursor is not an object")
    return value


def keyset_cursor(raw: str | None, listing: str, types: tuple[type | tuple[type, ...], ...]) -> tuple[Any, ...] | None:
    """The key a keyset cursor `{"s": listing, "k": [...]}` resumes after; ValueError when it does not fit."""
    if not raw:
        return None
    payload = decode_cursor(raw)
    key = payload.get("k")
    if payload.get("s") != listing or not isinstance(key, list) or len(key) != len(types):
        raise ValueError("cursor belongs to another listing")
    if not all(isinstance(v, t) and not isinstance(v, bool) for v, t in zip(key, types, strict=True)):
        raise ValueError("bad keyset")
    return tuple(key)


def keyset_page(
    keys: list[Any],
    objs: list[Any],
    ascending: bool,
    after: Any | None,
    limit: int,
    keep: Callable[[Any], bool] | None = None,
) -> tuple[list[Any], Any | None]:
    """One page over ascending `keys` walked up or down, starting after key `after`: (items, last key if more)."""
    if ascending:
        idx: Iterable[int] = range(bisect_right(keys, after) if after is not None else 0, len(keys))
    else:
        idx = range((bisect_left(keys, after) if after is not None else len(keys)) - 1, -1, -1)
    items: list[Any] = []
    last: Any | None = None
    for j in idx:
        obj = objs[j]
        if keep is not None and not keep(obj):
            continue
        if len(items) == limit:
            return items, last
        items.append(obj)
        last = keys[j]
    return items, None


# --------------------------------------------------------------------------------------- page numbers
def number_page(items: Sequence[Any], page: int, per_page: int) -> tuple[list[Any], int]:
    """Page `page` (from 1) of `items`, and the number of pages (0 for no items); past the end: []."""
    total_pages = -(-len(items) // per_page) if items else 0
    start = (page - 1) * per_page
    return list(items[start : start + per_page]), total_pages


def laravel_page(
    items: Sequence[Any],
    page: int,
    per_page: int,
    *,
    base_url: str,
    query: dict[str, list[str]],
    resource_style: bool,
) -> dict[str, Any]:
    """A Laravel `LengthAwarePaginator` page, top-level or resource style (`data`/`links`/`meta`).

    Page URLs keep the request's query string (only `page` changes), as Laravel's `withQueryString()` does.
    """
    data, last_page = number_page(items, page, per_page)
    last_page = max(last_page, 1)
    total = len(items)

    def url(number: int | None) -> str | None:
        if number is None:
            return None
        params = {k: v for k, v in query.items() if k != "page"}
        params["page"] = [str(number)]
        return f"{base_url}?{urlencode(params, doseq=True)}"

    start = (page - 1) * per_page
    first_item = start + 1 if data else None
    last_item = start + len(data) if data else None
    links = [{"url": url(page - 1) if page > 1 else None, "label": "&laquo; Previous", "active": False}]
    links += [{"url": url(n), "label": str(n), "active": n == page} for n in range(1, last_page + 1)]
    links.append({"url": url(page + 1) if page < last_page else None, "label": "Next &raquo;", "active": False})
    next_url = url(page + 1) if page < last_page else None
    prev_url = url(page - 1) if page > 1 else None
    if resource_style:
        return {
            "data": data,
            "links": {"first": url(1), "last": url(last_page), "prev": prev_url, "next": next_url},
            "meta": {
                "current_page": page,
                "from": first_item,
                "last_page": last_page,
                "links": links,
                "path": base_url,
                "per_page": per_page,
                "to": last_item,
                "total": total,
            },
        }
    return {
        "current_page": page,
        "data": data,
        "first_page_url": url(1),
        "from": first_item,
        "last_page": last_page,
        "last_page_url": url(last_page),
        "links": links,
        "next_page_url": next_url,
        "path": base_url,
        "per_page": per_page,
        "prev_page_url": prev_url,
        "to": last_item,
        "total": total,
    }
