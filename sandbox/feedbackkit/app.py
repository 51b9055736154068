"""The FeedbackKit API (`https://api.feedbackkit.app/api/v1`) over one or more generated projects, selected by
the `X-API-Key` header (one project per key; `X-User-Id` personalises `hasVoted`).

Contract (shared/seeds/003 and VENDORS.md): `GET /feedbacks` is one plain JSON array sorted by `voteCount`
descending (ties by id, so the order is stable) with `includeMerged`, `status` and `category` and no pagination
however large the project; `GET /feedbacks/{id}`; `GET /feedbacks/{id}/comments` (plain array, oldest first,
404 once the feedback is gone); the documented writes (`POST /feedbacks`, `POST|DELETE /feedbacks/{id}/votes`,
`POST /feedbacks/{id}/comments`) so 400/403/409 arise the way the vendor produces them. Every error, the
framework's rate limiter and injected status faults included, is `{"error": true, "reason": "..."}`.
"""

from __future__ import annotations

import re
from typing import Any

from sandbox.feedbackkit.workspace import CATEGORIES, MUTATIONS, STATUSES, FeedbackKitWorkspace
from sandbox.framework.paging import ParamError
from sandbox.framework.server import Request, Response, VendorApp

API = "/api/v1"
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def _bool_arg(request: Request, name: str, default: bool) -> bool:
    raw = request.arg(name)
    if raw is None or raw == "":
        return default
    if raw.lower() not in ("true", "false"):
        raise ParamError(name, f"{name} must be true or false")
    return raw.lower() == "true"


def _enum_arg(request: Request, name: str, choices: tuple[str, ...]) -> str | None:
    raw = request.arg(name)
    if not raw:
        return None
    if raw not in choices:
        raise ParamError(name, f"Invalid {name} '{raw}'. Expected one of: {', '.join(choices)}")
    return raw


def _text(body: dict[str, Any], name: str, lo: int, hi: int, required: bool = True) -> str | None:
    """A string field of a request body within [lo, hi] characters, else ParamError (the vendor's 400)."""
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not lo <= len(value.strip()) <= hi:
        raise ParamError(name, f"{name} is required and must be {lo}-{hi} characters")
    return value


class FeedbackKitApp(VendorApp):
    """FeedbackKit's REST API over several projects, selected by API key."""

    def __init__(
        self,
        projects: dict[str, FeedbackKitWorkspace],
        latency_ms: float = 0.0,
        rate_limit_per_minute: int | None = None,
        rate_window_seconds: float = 60.0,
    ) -> None:
        super().__init__(
            latency_ms=latency_ms, rate_limit_per_minute=rate_limit_per_minute, rate_window_seconds=rate_window_seconds
        )
        self.projects = projects
        self.route("GET", f"{API}/feedbacks", f"GET {API}/feedbacks", self.list_feedbacks)
        self.route("POST", f"{API}/feedbacks", f"POST {API}/feedbacks", self.create_feedback)
        self.route("GET", f"{API}/feedbacks/{{id}}", f"GET {API}/feedbacks/{{id}}", self.get_feedback)
        self.route("GET", f"{API}/feedbacks/{{id}}/comments", f"GET {API}/feedbacks/{{id}}/comments", self.comments)
        self.route("POST", f"{API}/feedbacks/{{id}}/comments", f"POST {API}/feedbacks/{{id}}/comments", self.comment)
        self.route("POST", f"{API}/feedbacks/{{id}}/votes", f"POST {API}/feedbacks/{{id}}/votes", self.vote)
        self.route("DELETE", f"{API}/feedbacks/{{id}}/votes", f"DELETE {API}/feedbacks/{{id}}/votes", self.unvote)

    # ----------------------------------------------------------------------------------------- hooks
    def extract_api_key(self, request: Request) -> str | None:
        key = (request.headers.get("x-api-key") or "").strip()
        return key or None

    def error_body(self, status: int, code: str, message: str, param: str | None = None) -> Any:
        """The documented `{"error": true, "reason": "..."}` (no codes, no param: the reason says it)."""
        return {"error": True, "reason": message}

    def not_found(self, request: Request) -> Response:
        return self.error(404, "not_found", "Not found")

    def before_request(self, request: Request) -> Response | None:
        if request.api_key is None:
            return self.error(401, "unauthorized", "Missing API key. Send it in the X-API-Key header.")
        project = self.projects.get(request.api_key)
        if project is None:
            return self.error(401, "unauthorized", "Invalid API key")
        if project.tier_limit_reached:
            return self.error(402, "payment_required", "Subscription tier limit exceeded. Upgrade your plan.")
        return None

    def truth(self) -> dict[str, Any]:
        """Ground truth per project id."""
        return {ws.project_id: ws.truth() for ws in self._workspaces()}

    def _workspaces(self) -> list[FeedbackKitWorkspace]:
        seen: dict[int, FeedbackKitWorkspace] = {}
        for ws in self.projects.values():
            seen.setdefault(id(ws), ws)
        return list(seen.values())

    def workspace(self, project: str | None = None) -> FeedbackKitWorkspace:
        """Look a project up by id or API key (optional when a single project is served)."""
        workspaces = self._workspaces()
        if project is None:
            if len(workspaces) != 1:
                raise ValueError("several projects are served: pass 'project'")
            return workspaces[0]
        if project in self.projects:
            return self.projects[project]
        for ws in workspaces:
            if ws.project_id == project:
                return ws
        raise KeyError(f"unknown project {project!r}")

    def mutate(self, payload: dict[str, Any]) -> Any:
        """{"project": id or key (optional with one project), "action": name, **kwargs} -> the method's result."""
        args = dict(payload)
        ws = self.workspace(args.pop("project", None))
        action = args.pop("action", None)
        if action not in MUTATIONS:
            raise ValueError(f"unknown action {action!r}; expected one of {MUTATIONS}")
        return getattr(ws, action)(**args)

    # -------------------------------------------------------------------------------------- handlers
    def _ws(self, request: Request) -> FeedbackKitWorkspace:
        assert request.api_key is not None
        return self.projects[request.api_key]

    def _feedback_id(self, request: Request) -> str | Response:
        fid = request.path_params["id"]
        if not _UUID.match(fid):
            return self.error(400, "bad_request", "Invalid feedback ID")
        return fid.lower()

    def _body(self, request: Request) -> dict[str, Any] | Response:
        if not isinstance(request.json, dict):
            return self.error(400, "bad_request", "Request body must be a JSON object")
        return request.json

    def list_feedbacks(self, request: Request) -> Response:
        try:
            include_merged = _bool_arg(request, "includeMerged", False)
            status = _enum_arg(request, "status", STATUSES)
            category = _enum_arg(request, "category", CATEGORIES)
        except ParamError as exc:
            return self.error(400, "bad_request", str(exc), exc.param)
        items = self._ws(request).feedback_items(
            include_merged=include_merged, status=status, category=category, user_id=request.headers.get("x-user-id")
        )
        return Response(200, items)

    def get_feedback(self, request: Request) -> Response:
        fid = self._feedback_id(request)
        if isinstance(fid, Response):
            return fid
        item = self._ws(request).feedback(fid, user_id=request.headers.get("x-user-id"))
        if item is None:
            return self.error(404, "not_found", "Feedback not found")
        return Response(200, item)

    def comments(self, request: Request) -> Response:
        fid = self._feedback_id(request)
        if isinstance(fid, Response):
            return fid
        comments = self._ws(request).comments_of(fid)
        if comments is None:
            return self.error(404, "not_found", "Feedback not found")
        return Response(200, comments)

    def create_feedback(self, request: Request) -> Response:
        body = self._body(request)
        if isinstance(body, Response):
            return body
        try:
            title = _text(body, "title", 1, 200)
            description = _text(body, "description", 1, 5000)
            user_id = _text(body, "userId", 1, 255)
            email = _text(body, "userEmail", 3, 320, required=False)
            category = body.get("category")
            if category not in CATEGORIES:
                raise ParamError("category", f"category must be one of: {', '.join(CATEGORIES)}")
        except ParamError as exc:
            return self.error(400, "bad_request", str(exc), exc.param)
        assert title is not None and description is not None and user_id is not None
        try:
            item = self._ws(request).submit_feedback(title, description, category, user_id, email)
        except PermissionError as exc:
            return self.error(403, "forbidden", str(exc))
        return Response(200, item)

    def _vote(self, request: Request, cast: bool) -> Response:
        fid = self._feedback_id(request)
        if isinstance(fid, Response):
            return fid
        body = self._body(request)
        if isinstance(body, Response):
            return body
        try:
            user_id = _text(body, "userId", 1, 255)
        except ParamError as exc:
            return self.error(400, "bad_request", str(exc), exc.param)
        assert user_id is not None
        ws = self._ws(request)
        try:
            result = ws.vote(fid, user_id) if cast else ws.unvote(fid, user_id)
        except KeyError:
            return self.error(404, "not_found", "Feedback not found")
        except PermissionError as exc:
            return self.error(403, "forbidden", str(exc))
        except ValueError as exc:
            return self.error(409, "conflict", str(exc))
        return Response(200, result)

    def vote(self, request: Request) -> Response:
        return self._vote(request, cast=True)

    def unvote(self, request: Request) -> Response:
        return self._vote(request, cast=False)

    def comment(self, request: Request) -> Response:
        fid = self._feedback_id(request)
        if isinstance(fid, Response):
            return fid
        body = self._body(request)
        if isinstance(body, Response):
            return body
        try:
            content = _text(body, "content", 1, 5000)
            user_id = _text(body, "userId", 1, 255)
        except ParamError as exc:
            return self.error(400, "bad_request", str(exc), exc.param)
        assert content is not None and user_id is not None
        try:
            comment = self._ws(request).post_comment(fid, content, user_id, bool(body.get("isAdmin", False)))
        except KeyError:
            return self.error(404, "not_found", "Feedback not found")
        except PermissionError as exc:
            return self.error(403, "forbidden", str(exc))
        return Response(200, comment)
