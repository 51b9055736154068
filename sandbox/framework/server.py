"""Vendor-neutral HTTP framework for the sandbox stand-ins.

A `VendorApp` declares routes and vendor hooks (auth, error body, ground truth, mutations); `SandboxServer`
serves it on 127.0.0.1 from an asyncio event loop (HTTP/1.1 keep-alive). The framework adds what every
stand-in needs for tests and benchmarks: request/status counting, fault injection, optional latency and
per-key rate limiting with `X-RateLimit-*` headers, and a `/_sandbox/` control API so another process (the
`demo` command, a benchmark driver) can steer the server over HTTP.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import re
import socket
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import orjson

from sandbox.framework.faults import FaultInjector

logger = logging.getLogger(__name__)

UNMATCHED = "UNMATCHED"
CONTROL_PREFIX = "/_sandbox/"
_JSON_OPTS = orjson.OPT_NON_STR_KEYS


class Headers:
    """Case-insensitive, read-only header mapping (the last value wins for repeated headers)."""

    __slots__ = ("_items",)

    def __init__(self, items: Iterable[tuple[str, str]] = ()) -> None:
        self._items = {k.lower(): v for k, v in items}

    def get(self, name: str, default: str | None = None) -> str | None:
        return self._items.get(name.lower(), default)

    def __getitem__(self, name: str) -> str:
        return self._items[name.lower()]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._items

    def items(self) -> Iterable[tuple[str, str]]:
        return self._items.items()


@dataclass
class Request:
    """What a route handler sees; `api_key` is filled in by the app's `extract_api_key` hook."""

    method: str
    path: str
    path_params: dict[str, str]
    query: dict[str, list[str]]
    headers: Headers
    body: bytes = b""
    json: Any = None
    api_key: str | None = None
    route_name: str = UNMATCHED

    def arg(self, name: str, default: str | None = None) -> str | None:
        """First value of a query parameter."""
        values = self.query.get(name)
        return values[0] if values else default


@dataclass
class Response:
    """A handler's answer; `body` is JSON-encoded with orjson unless it is already bytes."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)

    def encode(self) -> bytes:
        if isinstance(self.body, bytes | bytearray):
            return bytes(self.body)
        if self.body is None and self.status == 204:
            return b""
        return orjson.dumps(self.body, option=_JSON_OPTS)


@dataclass
class Served:
    """A response as the server loop must deliver it: after `wait` seconds, cut off half-way if `truncate`."""

    response: Response
    truncate: bool = False
    wait: float = 0.0


Handler = Callable[[Request], Response]


@dataclass
class Route:
    method: str
    pattern: str
    name: str
    handler: Handler
    segments: tuple[str, ...] = ()
    n_params: int = 0


_PARAM = re.compile(r"^\{(\w+)\}$")


class _RateLimiter:
    """Sliding window per API key (60 s unless a test scales it down); only consulted when a limit is set."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._windows: dict[str, deque[float]] = {}

    def hit(self, key: str, limit: int, window_s: float = 60.0) -> tuple[bool, int, float, float]:
        """Record a request; returns (allowed, remaining, reset_epoch, retry_after_seconds)."""
        now = time.monotonic()
        with self._lock:
            window = self._windows.setdefault(key, deque())
            while window and window[0] <= now - window_s:
                window.popleft()
            allowed = len(window) < limit
            if allowed:
                window.append(now)
            oldest = window[0] if window else now
            free_in = max(0.0, oldest + window_s - now)
            remaining = max(0, limit - len(window))
        return allowed, remaining, time.time() + free_in, free_in

    def reset(self) -> None:
        with self._lock:
            self._windows.clear()


class VendorApp:
    """Base class of a vendor stand-in: routing, counting, faults, latency, rate limits, control API.

    Subclasses call `self.route(...)` in `__init__` and override the hooks `extract_api_key`,
    `before_request` (auth, version headers), `error_body`, `truth`, `mutate` and `extra_stats`.
    """

    #: Limit advertised in X-RateLimit-* headers when no limit is enforced (the vendor's documented one).
    documented_rate_limit: int | None = None

    #: Requests kept in the request log (arrival time, route, status, key) for rate and order assertions.
    request_log_size = 100_000

    def __init__(
        self,
        latency_ms: float = 0.0,
        rate_limit_per_minute: int | None = None,
        rate_window_seconds: float = 60.0,
    ) -> None:
        self.latency_ms = latency_ms
        self.rate_limit_per_minute = rate_limit_per_minute
        # the vendor's window is a minute; tests scale it down (e.g. 60 per 2 s) so a rate-limited run is quick
        self.rate_window_seconds = rate_window_seconds
        self.faults = FaultInjector()
        self.request_log: deque[tuple[float, str, int, str | None]] = deque(maxlen=self.request_log_size)
        self._routes: list[Route] = []
        self._counts: Counter[str] = Counter()
        self._statuses: Counter[int] = Counter()
        self._counts_lock = threading.Lock()
        self._limiter = _RateLimiter()

    # ----------------------------------------------------------------- routing
    def route(self, method: str, pattern: str, name: str, handler: Handler) -> None:
        """Register `handler` for `method pattern`; `{param}` segments become `Request.path_params`."""
        segments = tuple(s for s in pattern.split("/") if s)
        n_params = sum(1 for s in segments if _PARAM.match(s))
        self._routes.append(Route(method.upper(), pattern, name, handler, segments, n_params))
        # Literal segments win over parameters (/v2/tickets/statuses before /v2/tickets/{ticketNumber}).
        self._routes.sort(key=lambda r: r.n_params)

    def match(self, method: str, path: str) -> tuple[Route | None, dict[str, str]]:
        parts = [unquote(s) for s in path.split("/") if s]
        for route in self._routes:
            if route.method != method or len(route.segments) != len(parts):
                continue
            params: dict[str, str] = {}
            for seg, part in zip(route.segments, parts, strict=True):
                m = _PARAM.match(seg)
                if m:
                    params[m.group(1)] = part
                elif seg != part:
                    break
            else:
                return route, params
        return None, {}

    # ------------------------------------------------------------------- hooks
    def extract_api_key(self, request: Request) -> str | None:
        """Default: `Authorization: Bearer <key>`."""
        auth = request.headers.get("authorization") or ""
        scheme, _, token = auth.partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            return token.strip()
        return None

    def before_request(self, request: Request) -> Response | None:
        """Auth and header checks; return a Response to short-circuit the handler."""
        return None

    def error_body(self, status: int, code: str, message: str, param: str | None = None) -> Any:
        """The vendor's documented error payload (override per vendor)."""
        body: dict[str, Any] = {"status": status, "code": code, "message": message}
        if param is not None:
            body["param"] = param
        return {"error": body}

    def error(self, status: int, code: str, message: str, param: str | None = None) -> Response:
        return Response(status, self.error_body(status, code, message, param))

    def not_found(self, request: Request) -> Response:
        return self.error(404, "not_found", f"No route for {request.method} {request.path}")

    def truth(self) -> Any:
        """Ground truth of the served data, for assertions (override)."""
        return {}

    def mutate(self, payload: dict[str, Any]) -> Any:
        """Apply a control-API mutation (override)."""
        raise ValueError("this app has no mutations")

    def extra_stats(self) -> dict[str, Any]:
        """Vendor-specific counters added to GET /_sandbox/requests."""
        return {}

    # ---------------------------------------------------------------- counting
    def request_counts(self) -> dict[str, int]:
        """Requests per route name (only routes hit; unknown paths under "UNMATCHED")."""
        with self._counts_lock:
            return dict(self._counts)

    def status_counts(self) -> dict[int, int]:
        """Responses per HTTP status, injected faults and rate-limit rejections included."""
        with self._counts_lock:
            return dict(self._statuses)

    def reset_request_counts(self) -> None:
        with self._counts_lock:
            self._counts.clear()
            self._statuses.clear()
            self.request_log.clear()
        self._limiter.reset()

    def logged_requests(self) -> list[dict[str, Any]]:
        """Every counted request in arrival order: `at` (epoch s), route, status and whether it carried a key."""
        with self._counts_lock:
            return [
                {"at": at, "route": route, "status": status, "keyed": key is not None}
                for at, route, status, key in self.request_log
            ]

    # ---------------------------------------------------------------- dispatch
    def handle(self, method: str, target: str, headers: Headers, body: bytes) -> Served:
        """Serve one request without blocking: waiting (latency, delay faults) is left to the server loop."""
        split = urlsplit(target)
        path = split.path or "/"
        if path.startswith(CONTROL_PREFIX):
            return Served(self.handle_control(method, path, body))
        started = time.monotonic()
        route, params = self.match(method, path)
        name = route.name if route else UNMATCHED
        request = Request(
            method=method,
            path=path,
            path_params=params,
            query=parse_qs(split.query, keep_blank_values=True),
            headers=headers,
            body=body,
            route_name=name,
        )
        with self._counts_lock:
            self._counts[name] += 1
        truncate = False
        fault_delay = 0.0
        try:
            request.api_key = self.extract_api_key(request)
            response, rl_headers = self._rate_limit(request)
            if response is None:
                fault = self.faults.match(name, request.api_key)
                if fault is not None and fault.kind == "mutate":
                    self.mutate(dict(fault.mutation or {}))  # the data changes, then this request is served
                    fault = None
                if fault is not None and fault.kind == "status":
                    status = int(fault.status or 500)
                    response = self.error(status, _fault_code(status), "Injected fault")
                    if fault.retry_after is not None:
                        response.headers["Retry-After"] = _seconds(fault.retry_after)
                else:
                    if fault is not None and fault.kind == "delay":
                        fault_delay = float(fault.delay or 0)
                    truncate = fault is not None and fault.kind == "truncate"
                    response = self._run(request, route)
            response.headers = {**rl_headers, **response.headers}  # what a handler sets itself wins
        except Exception:  # a sandbox bug must surface as a 500, not a dropped connection
            logger.exception("sandbox handler failed for %s %s", method, target)
            response = self.error(500, "internal_error", "Internal sandbox error")
        # Latency is a floor on the response time; a delay fault comes on top of the handler's own time.
        wait = max(fault_delay, self.latency_ms / 1000.0 - (time.monotonic() - started))
        with self._counts_lock:
            self._statuses[response.status] += 1
            self.request_log.append((time.time(), name, response.status, request.api_key))
        return Served(response, truncate, max(0.0, wait))

    def _run(self, request: Request, route: Route | None) -> Response:
        if request.body:
            try:
                request.json = orjson.loads(request.body)
            except orjson.JSONDecodeError:
                return self.error(400, "invalid_json", "Request body is not valid JSON")
        early = self.before_request(request)
        if early is not None:
            return early
        if route is None:
            return self.not_found(request)
        return route.handler(request)

    def _rate_limit(self, request: Request) -> tuple[Response | None, dict[str, str]]:
        limit = self.rate_limit_per_minute
        if not limit:
            advertised = self.documented_rate_limit
            if advertised is None:
                return None, {}
            # Not enforced: advertise the documented limit without ever asking a client to slow down.
            return None, {
                "X-RateLimit-Limit": str(advertised),
                "X-RateLimit-Remaining": str(advertised - 1),
                "X-RateLimit-Reset": str(math.ceil(time.time() + 60)),
            }
        allowed, remaining, reset_epoch, free_in = self._limiter.hit(
            request.api_key or "-anonymous-", limit, self.rate_window_seconds
        )
        headers = {
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Reset": str(math.ceil(reset_epoch)),
        }
        if allowed:
            return None, headers
        response = self.error(429, "rate_limit_exceeded", f"Rate limit of {limit} requests per minute exceeded")
        response.headers["Retry-After"] = str(max(1, math.ceil(free_in)))
        return response, headers

    # ------------------------------------------------------------- control API
    def handle_control(self, method: str, path: str, body: bytes) -> Response:
        """`/_sandbox/*`: unauthenticated, never counted, never faulted."""
        try:
            payload = orjson.loads(body) if body else {}
        except orjson.JSONDecodeError:
            return Response(400, {"error": "body is not valid JSON"})
        action = path[len(CONTROL_PREFIX) :].strip("/")
        try:
            if method == "GET" and action == "requests":
                return Response(200, self.control_stats())
            if method == "GET" and action == "log":
                return Response(200, {"requests": self.logged_requests()})
            if method == "POST" and action == "requests/reset":
                self.reset_request_counts()
                return Response(200, {"ok": True})
            if method == "GET" and action == "faults":
                return Response(200, {"faults": self.faults.active()})
            if method == "POST" and action == "faults":
                fault = self.faults.inject(**payload)
                return Response(200, {"ok": True, "fault": fault.describe()})
            if method == "DELETE" and action == "faults":
                self.faults.clear()
                return Response(200, {"ok": True})
            if method == "GET" and action == "truth":
                return Response(200, self.truth())
            if method == "POST" and action == "mutate":
                return Response(200, {"ok": True, "result": self.mutate(payload)})
            if method == "POST" and action == "config":
                return Response(200, self.configure(**payload))
            if method == "GET" and action == "health":
                return Response(200, {"ok": True})
        except (TypeError, ValueError, KeyError) as exc:
            return Response(400, {"error": str(exc)})
        return Response(404, {"error": f"unknown control endpoint {method} {path}"})

    def control_stats(self) -> dict[str, Any]:
        return {
            "counts": self.request_counts(),
            "statuses": {str(k): v for k, v in self.status_counts().items()},
            **self.extra_stats(),
        }

    def configure(
        self,
        latency_ms: float | None = None,
        rate_limit_per_minute: int | None | str = "unchanged",
        rate_window_seconds: float | None = None,
        **vendor_options: Any,
    ) -> dict[str, Any]:
        """Change the global knobs at runtime (rate_limit_per_minute=None removes the limit); options a vendor
        app adds (e.g. UsersLoop's paginator shape) go to `configure_vendor`."""
        if latency_ms is not None:
            self.latency_ms = float(latency_ms)
        if rate_window_seconds is not None:
            self.rate_window_seconds = float(rate_window_seconds)
            self._limiter.reset()
        if rate_limit_per_minute != "unchanged":
            self.rate_limit_per_minute = int(rate_limit_per_minute) if rate_limit_per_minute else None
            self._limiter.reset()
        return {
            "latency_ms": self.latency_ms,
            "rate_limit_per_minute": self.rate_limit_per_minute,
            "rate_window_seconds": self.rate_window_seconds,
            **self.configure_vendor(**vendor_options),
        }

    def configure_vendor(self, **options: Any) -> dict[str, Any]:
        """Vendor-specific runtime options (override); unknown options are an error."""
        if options:
            raise ValueError(f"unknown option(s) {', '.join(sorted(options))}")
        return {}


def _fault_code(status: int) -> str:
    if status == 429:
        return "rate_limit_exceeded"
    if status >= 500:
        return "internal_error"
    return "injected_fault"


def _seconds(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


# -------------------------------------------------------------------- server
# An asyncio HTTP/1.1 server instead of stdlib `ThreadingHTTPServer`: with one thread per keep-alive connection,
# 16 concurrent clients spent their time handing the GIL around (249 requests/s at concurrency 16 against 586
# sequentially, measured with 6 KB ticket details), so the stand-in, not the code under test, set every
# benchmark's ceiling. One event loop serves all connections; latency and delay faults are awaited, not slept.
_MAX_HEAD = 64 * 1024
_MAX_BODY = 16 * 1024 * 1024


class _BadRequest(Exception):
    pass


def _parse_head(raw: bytes) -> tuple[str, str, str, Headers]:
    lines = raw.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/"):
        raise _BadRequest(f"malformed request line {lines[0][:80]!r}")
    items = []
    for line in lines[1:]:
        if not line:
            continue
        name, sep, value = line.partition(":")
        if not sep:
            raise _BadRequest("malformed header line")
        items.append((name.strip(), value.strip()))
    return parts[0].upper(), parts[1], parts[2], Headers(items)


def _wire(response: Response, payload: bytes, close: bool) -> bytes:
    try:
        reason = HTTPStatus(response.status).phrase
    except ValueError:
        reason = "Status"
    headers = {"Content-Type": "application/json", **response.headers, "Content-Length": str(len(payload))}
    if close:
        headers["Connection"] = "close"
    head = f"HTTP/1.1 {response.status} {reason}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    return (head + "\r\n").encode("latin-1") + payload


class _AsyncHttpServer:
    """Keep-alive HTTP/1.1 (no pipelining, no chunked request bodies) in front of a VendorApp."""

    def __init__(self, app: VendorApp | Any) -> None:
        self.app = app
        self.writers: set[asyncio.StreamWriter] = set()

    async def serve_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.writers.add(writer)
        sock = writer.get_extra_info("socket")
        if sock is not None:
            # One write per response plus no Nagle: no 40 ms delayed-ACK stalls on keep-alive connections.
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            while await self._one_exchange(reader, writer):
                pass
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, _BadRequest) as exc:
            logger.debug("connection ended: %s", exc)
        finally:
            self.writers.discard(writer)
            writer.close()

    async def _one_exchange(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        """Read one request, answer it; False when the connection is done."""
        try:
            raw = await reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError:
            return False  # the client closed an idle keep-alive connection
        method, target, version, headers = _parse_head(raw[:-4])
        if headers.get("transfer-encoding"):
            raise _BadRequest("chunked request bodies are not supported by the sandbox")
        length = int(headers.get("content-length") or 0)
        if length > _MAX_BODY:
            raise _BadRequest("request body too large")
        body = await reader.readexactly(length) if length > 0 else b""
        served = self.app.handle(method, target, headers, body)
        if served.wait > 0:
            await asyncio.sleep(served.wait)
        payload = served.response.encode()
        close = served.truncate or version == "HTTP/1.0" or (headers.get("connection") or "").lower() == "close"
        data = _wire(served.response, payload, close)
        if served.truncate:
            writer.write(data[: len(data) - len(payload) + len(payload) // 2])
            await writer.drain()
            return False
        writer.write(data)
        await writer.drain()
        return not close


class SandboxServer:
    """Serve a VendorApp on a local port from an event loop in a daemon thread (port 0 picks a free port)."""

    def __init__(self, app: VendorApp | Any, host: str = "127.0.0.1", port: int = 0) -> None:
        self.app = app
        self.host = host
        self.port = port
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stopped: asyncio.Event | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> SandboxServer:
        if self._thread is not None:
            return self
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                loop.run_until_complete(self._main(ready))
            except BaseException as exc:  # reported to start() if it happened before listening
                failure.append(exc)
                ready.set()
            finally:
                loop.close()

        self._thread = threading.Thread(target=run, name="sandbox-server", daemon=True)
        self._thread.start()
        ready.wait()
        if failure:
            self._thread.join(timeout=5)
            self._thread = None
            raise failure[0]
        return self

    async def _main(self, ready: threading.Event) -> None:
        http = _AsyncHttpServer(self.app)
        self._stopped = asyncio.Event()
        server = await asyncio.start_server(
            http.serve_connection, self.host, self.port, backlog=256, limit=_MAX_HEAD, reuse_address=True
        )
        self.port = server.sockets[0].getsockname()[1]
        ready.set()
        async with server:
            await self._stopped.wait()
            server.close()
            for writer in list(http.writers):
                writer.close()
            await asyncio.sleep(0)

    def stop(self) -> None:
        if self._thread is None:
            return
        if self._loop is not None and self._stopped is not None:
            with contextlib.suppress(RuntimeError):  # the loop already ended
                self._loop.call_soon_threadsafe(self._stopped.set)
        self._thread.join(timeout=5)
        self._thread = None
        self._loop = None
        self._stopped = None

    def serve_forever(self) -> None:
        """Blocking variant for the `sandbox` CLI command."""
        self.start()
        assert self._thread is not None
        try:
            while self._thread.is_alive():
                self._thread.join(timeout=0.5)
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
