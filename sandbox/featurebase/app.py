"""The Featurebase v2 API (tickets, statuses, categories, custom fields, posts, voters, comments, boards) over
one or more generated organisations, selected by the Bearer key.

Contract (docs in shared/seeds/001 and 002): Bearer auth selecting the organisation, `Featurebase-Version`
header, `{object:"list", data, nextCursor}` cursor lists, `{"error": {type, code, message, param, status}}`
errors, tickets with `conversationParts` (17 part types) only on `GET /v2/tickets/{ticketNumber}`.
"""

from __future__ import annotations

import threading
from typing import Any

from sandbox.featurebase.feedback import FEEDBACK_MUTATIONS, register_routes
from sandbox.featurebase.workspace import SORT_FIELDS, SUPPORTED_VERSIONS, FeaturebaseWorkspace
from sandbox.framework.paging import ParamError, choice_arg, decode_cursor, encode_cursor, int_arg, multi_arg
from sandbox.framework.server import Request, Response, VendorApp

_ERROR_TYPES = {401: "authentication_error", 403: "authorization_error", 429: "rate_limit_error"}


class FeaturebaseApp(VendorApp):
    """The Featurebase v2 tickets and feedback API over several organisations, selected by API key."""

    documented_rate_limit = 2000

    def __init__(
        self,
        orgs: dict[str, FeaturebaseWorkspace],
        latency_ms: float = 0.0,
        rate_limit_per_minute: int | None = None,
    ) -> None:
        super().__init__(latency_ms=latency_ms, rate_limit_per_minute=rate_limit_per_minute)
        self.orgs = orgs
        self._missing_version = 0
        self._missing_lock = threading.Lock()
        self.route("GET", "/v2/tickets", "GET /v2/tickets", self.list_tickets)
        self.route("GET", "/v2/tickets/statuses", "GET /v2/tickets/statuses", self.list_statuses)
        self.route("GET", "/v2/tickets/statuses/{id}", "GET /v2/tickets/statuses/{id}", self.get_status)
        self.route("GET", "/v2/tickets/categories", "GET /v2/tickets/categories", self.list_categories)
        self.route("GET", "/v2/tickets/categories/{id}", "GET /v2/tickets/categories/{id}", self.get_category)
        self.route("GET", "/v2/tickets/custom_fields", "GET /v2/tickets/custom_fields", self.list_custom_fields)
        self.route("GET", "/v2/tickets/custom_fields/{id}", "GET /v2/tickets/custom_fields/{id}", self.get_custom_field)
        self.route("GET", "/v2/tickets/{ticketNumber}", "GET /v2/tickets/{ticketNumber}", self.get_ticket)
        register_routes(self)

    # ----------------------------------------------------------------------------- hooks
    def error_body(self, status: int, code: str, message: str, param: str | None = None) -> Any:
        err: dict[str, Any] = {
            "type": _ERROR_TYPES.get(status, "api_error" if status >= 500 else "invalid_request_error"),
            "code": code,
            "message": message,
        }
        if param is not None:
            err["param"] = param
        err["status"] = status
        return {"error": err}

    def not_found(self, request: Request) -> Response:
        return self.error(404, "resource_not_found", "Resource not found")

    def before_request(self, request: Request) -> Response | None:
        if request.api_key is None:
            return self.error(401, "invalid_api_key", "No API key provided. Use 'Authorization: Bearer <key>'.")
        if request.api_key not in self.orgs:
            return self.error(401, "invalid_api_key", "Invalid API key provided.")
        version = request.headers.get("featurebase-version")
        if version is None:
            with self._missing_lock:
                self._missing_version += 1
        elif version not in SUPPORTED_VERSIONS:
            return self.error(
                400,
                "invalid_api_version",
                f"Unsupported Featurebase-Version. Supported: {', '.join(SUPPORTED_VERSIONS)}",
                "Featurebase-Version",
            )
        return None

    def missing_version_header_count(self) -> int:
        """Authenticated requests that lacked Featurebase-Version (our client must always send it)."""
        with self._missing_lock:
            return self._missing_version

    def reset_request_counts(self) -> None:
        super().reset_request_counts()
        with self._missing_lock:
            self._missing_version = 0

    def extra_stats(self) -> dict[str, Any]:
        return {"missing_version_header": self.missing_version_header_count()}

    def truth(self) -> dict[str, Any]:
        """Ground truth per org id."""
        return {ws.org_id: ws.truth() for ws in self._workspaces()}

    def _workspaces(self) -> list[FeaturebaseWorkspace]:
        seen: dict[int, FeaturebaseWorkspace] = {}
        for ws in self.orgs.values():
            seen.setdefault(id(ws), ws)
        return list(seen.values())

    def workspace(self, org: str | None = None) -> FeaturebaseWorkspace:
        """Look a workspace up by org id or API key (optional when there is a single org)."""
        workspaces = self._workspaces()
        if org is None:
            if len(workspaces) != 1:
                raise ValueError("several orgs are served: pass 'org'")
            return workspaces[0]
        if org in self.orgs:
            return self.orgs[org]
        for ws in workspaces:
            if ws.org_id == org:
                return ws
        raise KeyError(f"unknown org {org!r}")

    MUTATIONS = (
        "advance",
        "mutate_tickets",
        "add_parts",
        "add_tickets",
        "delete_ticket",
        "close_tickets",
        "submit_pending_ratings",
        "set_status_type",
        "inject_malformed_tickets",
        "add_unknown_field",
        *FEEDBACK_MUTATIONS,
    )

    def mutate(self, payload: dict[str, Any]) -> Any:
        """{"org": id, "action": name, **kwargs} -> the workspace method's return value."""
        args = dict(payload)
        ws = self.workspace(args.pop("org", None))
        action = args.pop("action", None)
        if action not in self.MUTATIONS:
            raise ValueError(f"unknown action {action!r}; expected one of {self.MUTATIONS}")
        return getattr(ws, action)(**args)

    # ----------------------------------------------------------------------------- handlers
    def _ws(self, request: Request) -> FeaturebaseWorkspace:
        assert request.api_key is not None
        return self.orgs[request.api_key]

    def list_tickets(self, request: Request) -> Response:
        try:
            limit = int_arg(request, "limit", 10, 1, 100)
            sort_by = choice_arg(request, "sortBy", "date", tuple(SORT_FIELDS))
            order = choice_arg(request, "sortOrder", "desc", ("asc", "desc"))
            category_type = request.arg("categoryType")
            if category_type:
                category_type = choice_arg(request, "categoryType", "", ("customer", "tracker", "back-office"))
        except ParamError as exc:
            return self.error(400, "invalid_parameter", str(exc), exc.param)
        cursor = None
        raw_cursor = request.arg("cursor")
        if raw_cursor:
            try:
                cursor = decode_cursor(raw_cursor)
                if cursor.get("s") != sort_by or cursor.get("o") != order:
                    raise ValueError("cursor belongs to another sort")
                if "m" not in cursor:
                    expected = int if sort_by == "ticketNumber" else str
                    if not isinstance(cursor.get("k"), expected) or not isinstance(cursor.get("id"), str):
                        raise ValueError("bad keyset")
            except ValueError:
                return self.error(400, "invalid_cursor", "The cursor is invalid or expired", "cursor")
        filters: dict[str, Any] = {}
        if ids := multi_arg(request, "statusIds"):
            filters["statusIds"] = set(ids)
        if ids := multi_arg(request, "ticketCategoryIds"):
            filters["ticketCategoryIds"] = set(ids)
        if assignee := request.arg("assigneeId"):
            filters["assigneeId"] = assignee
        if category_type:
            filters["categoryType"] = category_type
        if q := request.arg("q"):
            filters["q"] = q.lower()
        items, last = self._ws(request).list_page(limit, sort_by, order, cursor, filters)
        next_cursor = encode_cursor({"s": sort_by, "o": order, **last}) if last is not None else None
        return Response(200, {"object": "list", "data": items, "nextCursor": next_cursor})

    def get_ticket(self, request: Request) -> Response:
        raw = request.path_params["ticketNumber"]
        ticket = self._ws(request).get_ticket(int(raw)) if raw.isdigit() else None
        if ticket is None:
            return self.error(404, "resource_not_found", "Ticket not found", "id")
        return Response(200, ticket)

    def list_statuses(self, request: Request) -> Response:
        return Response(200, self._ws(request).statuses)

    def list_categories(self, request: Request) -> Response:
        return Response(200, self._ws(request).categories)

    def list_custom_fields(self, request: Request) -> Response:
        fields = self._ws(request).custom_fields
        pagination = {"limit": max(len(fields), 1), "page": 1, "total": len(fields), "totalPages": 1}
        return Response(200, {"object": "list", "data": fields, "nextCursor": None, "pagination": pagination})

    def _by_id(self, items: list[dict[str, Any]], item_id: str, what: str) -> Response:
        for item in items:
            if item["id"] == item_id:
                return Response(200, item)
        return self.error(404, "resource_not_found", f"{what} not found", "id")

    def get_status(self, request: Request) -> Response:
        return self._by_id(self._ws(request).statuses, request.path_params["id"], "Status")

    def get_category(self, request: Request) -> Response:
        return self._by_id(self._ws(request).categories, request.path_params["id"], "Category")

    def get_custom_field(self, request: Request) -> Response:
        return self._by_id(self._ws(request).custom_fields, request.path_params["id"], "Custom field")
