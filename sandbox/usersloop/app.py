"""The UsersLoop API v2 (boards, feedback, roadmap, updates, helpdesk) over one or more generated products, each
selected by its `Authorization: Bearer` key.

Contract: shared/seeds/004 and VENDORS.md "UsersLoop". Read-only: the documented write endpoints (POST / PUT /
DELETE) answer 405 like a Laravel route that only allows GET; the sandbox changes data through mutations instead.

- Routes live under `/api/v2` (the documented base URL includes it). Not paginated: `GET /api/v2/boards`,
  `GET /api/v2/helpdesk/categories` -> `{"data": [...]}`. Paginated, newest first (`id` desc):
  `GET /api/v2/feedback` (`status`, `board_id`), `/roadmap` (`status`), `/updates` (`status`),
  `/helpdesk/articles` (`category_id`, `status`); `page` from 1 (anything else reads as 1, like Laravel's
  paginator), `per_page` 1-100, default 25. Details `GET .../{id}` (also boards and categories) -> `{"data": {}}`.
- Paginator shape: `paginator="top_level"` (`{current_page, data, first_page_url, ...}`) or `"resource"`
  (`{data, links, meta}`), at construction or at run time (`configure_vendor(paginator=...)`, also
  `POST /_sandbox/config {"paginator": "resource"}`).
- Page URLs are absolute and keep the request's query string. They are built from `public_url` when set - an
  absolute URL (`http://127.0.0.1:8765/usersloop`, with or without the trailing `/api/v2`) or just the prefix the
  app is mounted under (`/usersloop`, host taken from the request) - else from the request's `Host` header plus
  `X-Forwarded-Proto` / `X-Forwarded-Prefix` when a proxy sends them. Under a `VendorMux` the app never sees its
  prefix: pass `public_url`.
- Errors: 401 `{"message": "Unauthenticated."}`, 404 `{"error": "Feedback not found."}` for a missing record and
  `{"message": "The route ... could not be found."}` for an unknown API path (both shapes are documented), 422
  `{"message", "errors": {field: [...]}}` with Laravel's messages, 429 `{"message": "Too Many Attempts."}` with
  `Retry-After`, 5xx `{"message": "Server Error"}`.
- Rate limit: 60 requests per minute per key, enforced by default (`rate_limit_per_minute=60`,
  `rate_window_seconds=60`; tests scale the window, None or 0 disables enforcement). Every API response carries
  exactly `X-RateLimit-Limit` and `X-RateLimit-Remaining` (the framework's `X-RateLimit-Reset` is stripped),
  a 429 also `Retry-After`.
- `Accept: application/json` DECISION: the docs require it. Laravel renders resources as JSON whatever the
  client accepts, so by default a request without it is still answered in JSON and only counted
  (`missing_accept_header_count()`, `GET /_sandbox/requests` -> "missing_accept_header"), so a test can assert the
  client always sends it. With `strict_accept=True` an unauthenticated request without it gets what Laravel's
  auth middleware gives a browser: a 302 to `/login`, an HTML page with status 200. Paths outside `/api/` (a base
  URL missing `/api/v2`) always get that HTML page: the vendor's web app, not its API.
- Faults: the framework's status / delay / truncate faults work on every route (by route name, e.g.
  "GET /api/v2/feedback"). New items inserted mid-scan use the `mutate` fault kind:
  `app.faults.inject("mutate", endpoint="GET /api/v2/feedback", after=1, mutation={"action": "add_feedback",
  "n": 3})` - page 1 is served as is, then 3 feedback items are created just before page 2 is served; under
  `id` desc they land on page 1, everything shifts down by 3 and page 2 starts with the last 3 items of page 1.
  With several products, a mutate fault without "product" applies to the product of the request it fires on.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

from sandbox.framework.paging import laravel_page
from sandbox.framework.server import UNMATCHED, Headers, Request, Response, Served, VendorApp
from sandbox.usersloop.workspace import (
    ARTICLE_STATUSES,
    FEEDBACK_STATUSES,
    MUTATIONS,
    ROADMAP_STATUSES,
    UPDATE_STATUSES,
    UsersLoopWorkspace,
)

API = "/api/v2"
PAGINATORS = ("top_level", "resource")
DEFAULT_PER_PAGE = 25
MAX_PER_PAGE = 100
_INTEGER = re.compile(r"^[+-]?\d+$")
_UNSET: Any = object()
_LOGIN_PAGE = (
    b'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Log in - UsersLoop</title></head>'
    b'<body><form method="POST" action="/login"><h1>Log in to UsersLoop</h1>'
    b'<input type="email" name="email"><input type="password" name="password">'
    b'<button type="submit">Log in</button></form></body></html>\n'
)


def wants_json(headers: Headers) -> bool:
    """Laravel's `Request::expectsJson()`: the first accepted type is JSON, or an XHR that accepts anything."""
    accept = (headers.get("accept") or "").lower()
    first = accept.split(",")[0].split(";")[0].strip()
    if "/json" in first or "+json" in first:
        return True
    xhr = (headers.get("x-requested-with") or "") == "XMLHttpRequest"
    return xhr and (not accept or "*/*" in accept)


def _page_number(request: Request) -> int:
    """Laravel's paginator reads `page` leniently: anything but an integer >= 1 means page 1."""
    raw = (request.arg("page") or "").strip()
    return int(raw) if _INTEGER.match(raw) and int(raw) >= 1 else 1


def _integer(request: Request, name: str, errors: dict[str, list[str]], lo: int | None, hi: int | None) -> int | None:
    """An optional integer query parameter checked with Laravel's `integer|min|max` rules and messages."""
    raw = request.arg(name)
    if raw is None or raw == "":  # ConvertEmptyStringsToNull: an empty parameter is an absent one
        return None
    label = name.replace("_", " ")
    if not _INTEGER.match(raw.strip()):
        errors.setdefault(name, []).append(f"The {label} field must be an integer.")
        return None
    value = int(raw)
    if lo is not None and value < lo:
        errors.setdefault(name, []).append(f"The {label} field must be at least {lo}.")
    elif hi is not None and value > hi:
        errors.setdefault(name, []).append(f"The {label} field must not be greater than {hi}.")
    return value


class UsersLoopApp(VendorApp):
    """The UsersLoop API v2 over several products, one per API key (module docstring: contract and decisions)."""

    documented_rate_limit = 60

    def __init__(
        self,
        products: dict[str, UsersLoopWorkspace],
        latency_ms: float = 0.0,
        rate_limit_per_minute: int | None = 60,
        rate_window_seconds: float = 60.0,
        paginator: str = "top_level",
        public_url: str | None = None,
        strict_accept: bool = False,
    ) -> None:
        super().__init__(
            latency_ms=latency_ms,
            rate_limit_per_minute=rate_limit_per_minute,
            rate_window_seconds=rate_window_seconds,
        )
        self.products = products
        self.paginator = "top_level"
        self.public_url: str | None = None
        self.strict_accept = False
        self.configure_vendor(paginator=paginator, public_url=public_url, strict_accept=strict_accept)
        self._local = threading.local()  # the key of the request being handled (for mutate faults)
        self._missing_accept = 0
        self._missing_lock = threading.Lock()
        for path, handler in (
            ("/boards", self.list_boards),
            ("/boards/{id}", self.get_board),
            ("/feedback", self.list_feedback),
            ("/feedback/{id}", self.get_feedback),
            ("/roadmap", self.list_roadmap),
            ("/roadmap/{id}", self.get_roadmap),
            ("/updates", self.list_updates),
            ("/updates/{id}", self.get_update),
            ("/helpdesk/categories", self.list_categories),
            ("/helpdesk/categories/{id}", self.get_category),
            ("/helpdesk/articles", self.list_articles),
            ("/helpdesk/articles/{id}", self.get_article),
        ):
            self.route("GET", API + path, f"GET {API}{path}", handler)

    # ------------------------------------------------------------------------------ dispatch hooks
    def handle(self, method: str, target: str, headers: Headers, body: bytes) -> Served:
        """The framework's dispatch, with UsersLoop's header set: no X-RateLimit-Reset, and no rate-limit headers
        at all on the web app's pages (only the API group is throttled)."""
        self._local.key = None
        served = super().handle(method, target, headers, body)
        served.response.headers.pop("X-RateLimit-Reset", None)
        if not _is_api(urlsplit(target).path):
            served.response.headers.pop("X-RateLimit-Limit", None)
            served.response.headers.pop("X-RateLimit-Remaining", None)
        return served

    def extract_api_key(self, request: Request) -> str | None:
        key = super().extract_api_key(request)
        self._local.key = key
        return key

    def before_request(self, request: Request) -> Response | None:
        if not _is_api(request.path) or request.route_name == UNMATCHED:
            return None  # the web app, or an unknown API route: Laravel answers before any middleware
        json_client = wants_json(request.headers)
        if not json_client:
            with self._missing_lock:
                self._missing_accept += 1
        if request.api_key is None or request.api_key not in self.products:
            if self.strict_accept and not json_client:
                location = self._root(request) + "/login"
                html = f'<!DOCTYPE html><html><head><meta http-equiv="refresh" content="0;url={location}"></head>'
                html += f"<body>Redirecting to {location}.</body></html>"
                return Response(302, html.encode(), {"Location": location, "Content-Type": "text/html; charset=UTF-8"})
            return self.error(401, "unauthenticated", "Unauthenticated.")
        return None

    def error_body(self, status: int, code: str, message: str, param: str | None = None) -> Any:
        if status == 401:
            return {"message": "Unauthenticated."}
        if status == 429:
            return {"message": "Too Many Attempts."}
        if status >= 500:
            return {"message": "Server Error" if status == 500 else HTTPStatus(status).phrase}
        if status == 422 and param is not None:
            return {"message": message, "errors": {param: [message]}}
        return {"message": message}

    def not_found(self, request: Request) -> Response:
        if not _is_api(request.path):
            return Response(200, _LOGIN_PAGE, {"Content-Type": "text/html; charset=UTF-8"})
        route = request.path.lstrip("/")
        if request.method != "GET" and self.match("GET", request.path)[0] is not None:
            message = f"The {request.method} method is not supported for route {route}. Supported methods: GET, HEAD."
            return Response(405, {"message": message})
        return Response(404, {"message": f"The route {route} could not be found."})

    # ------------------------------------------------------------------------------ control API
    def configure_vendor(
        self,
        paginator: str | None = None,
        public_url: str | None = _UNSET,
        strict_accept: bool | None = None,
        **options: Any,
    ) -> dict[str, Any]:
        """`paginator` ("top_level" | "resource"), `public_url` (None clears it) and `strict_accept`."""
        super().configure_vendor(**options)  # unknown options are an error
        if paginator is not None:
            if paginator not in PAGINATORS:
                raise ValueError(f"paginator must be one of {', '.join(PAGINATORS)}")
            self.paginator = paginator
        if public_url is not _UNSET:
            self.public_url = public_url.rstrip("/") if public_url else None
        if strict_accept is not None:
            self.strict_accept = bool(strict_accept)
        return {"paginator": self.paginator, "public_url": self.public_url, "strict_accept": self.strict_accept}

    def missing_accept_header_count(self) -> int:
        """API requests without `Accept: application/json` (our client must always send it)."""
        with self._missing_lock:
            return self._missing_accept

    def reset_request_counts(self) -> None:
        super().reset_request_counts()
        with self._missing_lock:
            self._missing_accept = 0

    def extra_stats(self) -> dict[str, Any]:
        return {"missing_accept_header": self.missing_accept_header_count()}

    def truth(self) -> dict[str, Any]:
        """Ground truth per product id."""
        return {ws.product_id: ws.truth() for ws in self._workspaces()}

    def _workspaces(self) -> list[UsersLoopWorkspace]:
        seen: dict[int, UsersLoopWorkspace] = {}
        for ws in self.products.values():
            seen.setdefault(id(ws), ws)
        return list(seen.values())

    def workspace(self, product: str | None = None) -> UsersLoopWorkspace:
        """A product by API key or product id; without one: the only product, or the current request's."""
        if product is None:
            workspaces = self._workspaces()
            if len(workspaces) == 1:
                return workspaces[0]
            key = getattr(self._local, "key", None)
            if key in self.products:
                return self.products[key]
            raise ValueError("several products are served: pass 'product'")
        if product in self.products:
            return self.products[product]
        for ws in self._workspaces():
            if ws.product_id == product:
                return ws
        raise KeyError(f"unknown product {product!r}")

    def mutate(self, payload: dict[str, Any]) -> Any:
        """`{"product": id or key (optional), "action": name, **kwargs}` -> the workspace method's result."""
        args = dict(payload)
        ws = self.workspace(args.pop("product", None))
        action = args.pop("action", None)
        if action not in MUTATIONS:
            raise ValueError(f"unknown action {action!r}; expected one of {', '.join(MUTATIONS)}")
        return getattr(ws, action)(**args)

    # ---------------------------------------------------------------------------------- helpers
    def _ws(self, request: Request) -> UsersLoopWorkspace:
        assert request.api_key is not None
        return self.products[request.api_key]

    def _root(self, request: Request) -> str:
        """Scheme, host and mount prefix of this app as the client sees it (no trailing slash)."""
        host = request.headers.get("host") or "localhost"
        scheme = request.headers.get("x-forwarded-proto") or "http"
        public = self.public_url
        if public and "://" in public:
            return public[: -len(API)] if public.endswith(API) else public
        prefix = public or (request.headers.get("x-forwarded-prefix") or "").rstrip("/")
        if prefix.endswith(API):
            prefix = prefix[: -len(API)]
        return f"{scheme}://{host}{prefix}"

    def _query(
        self, request: Request, statuses: tuple[str, ...] | None, ints: tuple[str, ...] = ()
    ) -> tuple[dict[str, Any], Response | None]:
        """Validated list parameters, or the 422 Laravel's validator answers (every failing field listed)."""
        errors: dict[str, list[str]] = {}
        values: dict[str, Any] = {name: _integer(request, name, errors, None, None) for name in ints}
        values["status"] = request.arg("status") or None
        if statuses is not None and values["status"] is not None and values["status"] not in statuses:
            errors["status"] = ["The selected status is invalid."]
        per_page = _integer(request, "per_page", errors, 1, MAX_PER_PAGE)
        values["per_page"] = DEFAULT_PER_PAGE if per_page is None else per_page
        if not errors:
            return values, None
        messages = [m for ms in errors.values() for m in ms]
        message = messages[0]
        if len(messages) > 1:
            more = len(messages) - 1
            message += f" (and {more} more error{'s' if more > 1 else ''})"
        return values, Response(422, {"message": message, "errors": errors})

    def _page(self, request: Request, items: list[dict[str, Any]], per_page: int) -> Response:
        body = laravel_page(
            items,
            _page_number(request),
            per_page,
            base_url=self._root(request) + request.path,
            query=request.query,
            resource_style=self.paginator == "resource",
        )
        return Response(200, body)

    def _detail(self, request: Request, getter: Callable[[int], dict[str, Any] | None], what: str) -> Response:
        raw = request.path_params["id"]
        item = getter(int(raw)) if raw.isdigit() else None
        if item is None:
            return Response(404, {"error": f"{what} not found."})
        return Response(200, {"data": item})

    # --------------------------------------------------------------------------------- handlers
    def list_boards(self, request: Request) -> Response:
        return Response(200, {"data": self._ws(request).list_boards()})

    def get_board(self, request: Request) -> Response:
        return self._detail(request, self._ws(request).get_board, "Board")

    def list_feedback(self, request: Request) -> Response:
        q, invalid = self._query(request, FEEDBACK_STATUSES, ("board_id",))
        if invalid is not None:
            return invalid
        items = self._ws(request).list_feedback(board_id=q["board_id"], status=q["status"])
        return self._page(request, items, q["per_page"])

    def get_feedback(self, request: Request) -> Response:
        return self._detail(request, self._ws(request).get_feedback, "Feedback")

    def list_roadmap(self, request: Request) -> Response:
        q, invalid = self._query(request, ROADMAP_STATUSES)
        if invalid is not None:
            return invalid
        return self._page(request, self._ws(request).list_roadmap(status=q["status"]), q["per_page"])

    def get_roadmap(self, request: Request) -> Response:
        return self._detail(request, self._ws(request).get_roadmap, "Roadmap item")

    def list_updates(self, request: Request) -> Response:
        q, invalid = self._query(request, UPDATE_STATUSES)
        if invalid is not None:
            return invalid
        return self._page(request, self._ws(request).list_updates(status=q["status"]), q["per_page"])

    def get_update(self, request: Request) -> Response:
        return self._detail(request, self._ws(request).get_update, "Update")

    def list_categories(self, request: Request) -> Response:
        return Response(200, {"data": self._ws(request).list_categories()})

    def get_category(self, request: Request) -> Response:
        return self._detail(request, self._ws(request).get_category, "Category")

    def list_articles(self, request: Request) -> Response:
        q, invalid = self._query(request, ARTICLE_STATUSES, ("category_id",))
        if invalid is not None:
            return invalid
        items = self._ws(request).list_articles(category_id=q["category_id"], status=q["status"])
        return self._page(request, items, q["per_page"])

    def get_article(self, request: Request) -> Response:
        return self._detail(request, self._ws(request).get_article, "Article")


def _is_api(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")
