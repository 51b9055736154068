"""The Product7 API (workspace, members, ticket statuses, tickets with activities, feedback) over one or more
generated workspaces, one per Bearer token (Product7 tokens are scoped to a single workspace).

Contract (VENDORS.md "Product7", docs in shared/seeds/000): every 2xx body is `{"status": true, "data": ...}`
(+ `meta` on lists), every error `{"status": false, "message": "..."}` with 400, 401, 403, 404, 410, 429
(`Retry-After` seconds) or 500 -- including the framework's rate limiter and injected status faults, which go
through `error_body`. Routes (request counts are keyed by these names):

- `GET /api/v1/me`, `GET /api/v1/workspace/members` (`total`, not paginated), `GET /api/v1/ticket-statuses`
- `GET /api/v1/tickets?page=&page_size=` (pages from 1, `page_size` <= 100, `last_activity_at` desc, `uuid` desc;
  `meta: {page, page_size, total, total_pages}`; filters `stage`, `priority`, `type`, `tag`, `search`)
- `GET /api/v1/tickets/{uuid}` (list item + `description` + `activities`, oldest first; 404 once deleted)
- `GET /api/v1/feedback?limit=&cursor=&sort=` (newest | top | trending; `limit` <= 100; `meta: {next_cursor,
  has_more}`, `next_cursor` "" on the last page; filters `boards`, `statuses`, `tags`, `keywords`)

Fault recipes (the framework's status/delay/truncate faults work on every route as they are; these two are the
Product7-specific scenarios, built on the `mutate` fault kind -- POST them to `/_sandbox/faults` or call
`app.faults.inject(**recipe)`; add `"workspace": <account>` to the mutation when several workspaces are served):

1. A ticket moves to page 1 while a scan reads a later page::

       uuid = ws.ticket_on_page(3, page_size=50)
       {"kind": "mutate", "endpoint": "GET /api/v1/tickets", "after": 1,
        "mutation": {"action": "touch_ticket", "uuid": uuid}}

   The second list request (page 2) is served after the ticket got a new activity: it is now first on page 1
   (already read), every ticket above its old place shifts one down, so page 2 repeats page 1's last ticket and
   the scan never sees the touched one -- until the next run, whose cursor must be the largest
   `last_activity_at` actually seen. `touch_ticket_recipe(uuid)` builds this dict.
2. A ticket deleted between its list and detail requests::

       {"kind": "mutate", "endpoint": "GET /api/v1/tickets/{uuid}",
        "mutation": {"action": "delete_ticket", "uuid": uuid}}

   The next detail request (request `uuid` itself) answers 404: the record is gone. `delete_ticket_recipe(uuid)`
   builds this dict.
"""

from __future__ import annotations

from typing import Any

from sandbox.framework.paging import ParamError, choice_arg, encode_cursor, int_arg, keyset_cursor, multi_arg
from sandbox.framework.server import Request, Response, VendorApp
from sandbox.product7.feedback import FEEDBACK_SORTS
from sandbox.product7.workspace import Product7Workspace

TICKETS_ROUTE = "GET /api/v1/tickets"
TICKET_ROUTE = "GET /api/v1/tickets/{uuid}"
FEEDBACK_ROUTE = "GET /api/v1/feedback"
_CURSOR_TYPES: dict[str, tuple[type | tuple[type, ...], ...]] = {
    "newest": (str, str),
    "top": (int, str, str),
    "trending": ((int, float), str),
}


def touch_ticket_recipe(uuid: str, after: int = 1, workspace: str | None = None) -> dict[str, Any]:
    """Fault recipe 1: the ticket `uuid` gets new activity just before list request number `after + 1`."""
    mutation: dict[str, Any] = {"action": "touch_ticket", "uuid": uuid}
    if workspace is not None:
        mutation["workspace"] = workspace
    return {"kind": "mutate", "endpoint": TICKETS_ROUTE, "after": after, "mutation": mutation}


def delete_ticket_recipe(uuid: str, workspace: str | None = None) -> dict[str, Any]:
    """Fault recipe 2: the ticket `uuid` is deleted just before the next detail request is served."""
    mutation: dict[str, Any] = {"action": "delete_ticket", "uuid": uuid}
    if workspace is not None:
        mutation["workspace"] = workspace
    return {"kind": "mutate", "endpoint": TICKET_ROUTE, "mutation": mutation}


class Product7App(VendorApp):
    """The Product7 API over several workspaces, selected by Bearer token."""

    #: Product7 documents no rate limit: no X-RateLimit-* headers unless a test enforces one.
    documented_rate_limit = None

    MUTATIONS = (
        "advance",
        "add_activity",
        "add_tickets",
        "change_ticket_status",
        "touch_ticket",
        "delete_ticket",
        "inject_malformed_tickets",
        "add_unknown_field",
        "add_votes",
        "remove_votes",
        "change_feedback_status",
        "add_feedback",
        "add_feedback_comments",
        "delete_feedback",
    )
    #: Read-only helpers also reachable through `POST /_sandbox/mutate` (a driver in another process needs them).
    QUERIES = ("ticket_on_page", "status_id")

    def __init__(
        self,
        workspaces: dict[str, Product7Workspace],
        latency_ms: float = 0.0,
        rate_limit_per_minute: int | None = None,
        rate_window_seconds: float = 60.0,
    ) -> None:
        super().__init__(
            latency_ms=latency_ms,
            rate_limit_per_minute=rate_limit_per_minute,
            rate_window_seconds=rate_window_seconds,
        )
        self.workspaces = workspaces
        self.route("GET", "/api/v1/me", "GET /api/v1/me", self.me)
        self.route("GET", "/api/v1/workspace/members", "GET /api/v1/workspace/members", self.list_members)
        self.route("GET", "/api/v1/ticket-statuses", "GET /api/v1/ticket-statuses", self.list_statuses)
        self.route("GET", "/api/v1/tickets", TICKETS_ROUTE, self.list_tickets)
        self.route("GET", "/api/v1/tickets/{uuid}", TICKET_ROUTE, self.get_ticket)
        self.route("GET", "/api/v1/feedback", FEEDBACK_ROUTE, self.list_feedback)

    # ------------------------------------------------------------------------------------------ hooks
    def error_body(self, status: int, code: str, message: str, param: str | None = None) -> Any:
        """Product7's documented error body; the code and param are ours only (kept out of the payload)."""
        return {"status": False, "message": message}

    def not_found(self, request: Request) -> Response:
        return self.error(404, "not_found", f"Route {request.method} {request.path} not found")

    def before_request(self, request: Request) -> Response | None:
        if request.api_key is None:
            return self.error(401, "unauthorized", "Missing bearer token")
        if request.api_key not in self.workspaces:
            return self.error(401, "unauthorized", "Invalid or revoked bearer token")
        return None

    def truth(self) -> dict[str, Any]:
        """Ground truth per workspace (account) id."""
        return {ws.workspace_id: ws.truth() for ws in self._distinct()}

    def _distinct(self) -> list[Product7Workspace]:
        seen: dict[int, Product7Workspace] = {}
        for ws in self.workspaces.values():
            seen.setdefault(id(ws), ws)
        return list(seen.values())

    def workspace(self, name: str | None = None) -> Product7Workspace:
        """A workspace by account id, API key or `/me` uuid (optional when a single workspace is served)."""
        workspaces = self._distinct()
        if name is None:
            if len(workspaces) != 1:
                raise ValueError("several workspaces are served: pass 'workspace'")
            return workspaces[0]
        if name in self.workspaces:
            return self.workspaces[name]
        for ws in workspaces:
            if name in (ws.workspace_id, ws.workspace_info["id"]):
                return ws
        raise KeyError(f"unknown workspace {name!r}")

    def mutate(self, payload: dict[str, Any]) -> Any:
        """{"workspace": id, "action": name, **kwargs} -> the workspace method's return value."""
        args = dict(payload)
        ws = self.workspace(args.pop("workspace", None))
        action = args.pop("action", None)
        if action not in self.MUTATIONS + self.QUERIES:
            raise ValueError(f"unknown action {action!r}; expected one of {self.MUTATIONS + self.QUERIES}")
        return getattr(ws, action)(**args)

    # --------------------------------------------------------------------------------------- handlers
    def _ws(self, request: Request) -> Product7Workspace:
        assert request.api_key is not None
        return self.workspaces[request.api_key]

    @staticmethod
    def _ok(data: Any, **extra: Any) -> Response:
        return Response(200, {"status": True, "data": data, **extra})

    def _bad_param(self, exc: ParamError) -> Response:
        return self.error(400, "invalid_parameter", str(exc), exc.param)

    def me(self, request: Request) -> Response:
        return self._ok({"workspace": self._ws(request).workspace_info})

    def list_members(self, request: Request) -> Response:
        members = self._ws(request).members
        return self._ok(members, total=len(members))

    def list_statuses(self, request: Request) -> Response:
        return self._ok(self._ws(request).statuses)

    def list_tickets(self, request: Request) -> Response:
        try:
            page = int_arg(request, "page", 1, 1, None)
            page_size = int_arg(request, "page_size", 50, 1, 100)
        except ParamError as exc:
            return self._bad_param(exc)
        filters: dict[str, Any] = {}
        for name in ("stage", "priority"):
            if values := multi_arg(request, name):
                filters[name] = set(values)
        for name in ("type", "tag", "search"):
            if value := request.arg(name):
                filters[name] = value.lower() if name != "tag" else value
        items, total = self._ws(request).list_tickets_page(page, page_size, filters)
        meta = {"page": page, "page_size": page_size, "total": total, "total_pages": -(-total // page_size)}
        return self._ok(items, meta=meta)

    def get_ticket(self, request: Request) -> Response:
        ticket = self._ws(request).ticket_detail(request.path_params["uuid"])
        if ticket is None:
            return self.error(404, "not_found", "Ticket not found")
        return self._ok(ticket)

    def list_feedback(self, request: Request) -> Response:
        try:
            limit = int_arg(request, "limit", 20, 1, 100)
            sort = choice_arg(request, "sort", "newest", FEEDBACK_SORTS)
        except ParamError as exc:
            return self._bad_param(exc)
        listing = f"feedback:{sort}"
        try:
            after = keyset_cursor(request.arg("cursor"), listing, _CURSOR_TYPES[sort])
        except ValueError:
            return self.error(400, "invalid_cursor", "Invalid cursor")
        filters: dict[str, Any] = {}
        for name in ("boards", "statuses", "tags"):
            if values := multi_arg(request, name):
                filters[name] = set(values)
        if keywords := request.arg("keywords"):
            filters["keywords"] = keywords.lower().split()
        items, last = self._ws(request).feedback.page(sort, limit, after, filters)
        next_cursor = encode_cursor({"s": listing, "k": list(last)}) if last is not None else ""
        return self._ok(items, meta={"next_cursor": next_cursor, "has_more": last is not None})
