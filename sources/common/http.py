"""The one HTTP client every vendor source uses: retries, Retry-After, rate limits, request counts, redaction.

Why not dlt's RESTClient: we need a thread-safe sliding-window limiter shared by concurrent detail calls, the
vendors' X-RateLimit headers honoured, per-endpoint request counts for the run summary and the benchmarks, and
a guarantee that no error message or log line can carry the API key. Retries themselves are tenacity's.

Why urllib3 rather than httpx or requests: a backfill makes one detail call per ticket, and the client's own CPU
per call decides how fast that goes once the network is quick (measured against the sandbox, 6 KB responses:
httpx 1.33 ms, requests 1.62 ms, urllib3 0.62 ms of CPU per call). urllib3 is already installed with dlt.
"""

from __future__ import annotations

import hashlib
import heapq
import logging
import threading
import time
from bisect import bisect_right, insort
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from email.utils import parsedate_to_datetime
from itertools import islice
from typing import Any, TypeVar
from urllib.parse import urlencode, urlsplit
from urllib.request import getproxies, proxy_bypass

import orjson
import urllib3
from tenacity import RetryCallState, retry_if_exception, stop_after_attempt
from tenacity import Retrying as _Retrying
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from urllib3.exceptions import HTTPError as TransportError

from sources.common.errors import ApiError, AuthenticationError, setting_name
from sources.common.redact import Redactor

logger = logging.getLogger("feedback_warehouse.http")

RETRYABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
# The server counts a request when it arrives, we count it when it starts: arrival delays differ from request
# to request, so a window of exactly 60 s lets the server still see 2,000 in its window (measured: 12 x 429 in a
# 2,500-ticket backfill at 50 ms latency). One second of margin costs < 2 % of the allowance.
RATE_WINDOW_SECONDS = 61.0
# The same margin for a vendor window scaled down in tests and the demo (60 per 2 s -> a 2.033 s client window),
# but never under RATE_WINDOW_JITTER_SECONDS: arrival delays do not shrink with the window, and on a loaded
# 2-core machine a 3 s window with 1/60 of margin drew one 429 in a four-vendor demo (none at 60 s).
RATE_WINDOW_MARGIN = RATE_WINDOW_SECONDS / 60.0
RATE_WINDOW_JITTER_SECONDS = 0.15
# Before the first answer from an account's host, a connection failure is most likely a wrong base URL or a host
# that is down, not a blip: one short retry, then a one-line error naming the setting to fix (measured before:
# 8 attempts with backoff made a wrong URL take ~64 s to fail, in `run` and in `check`).
FIRST_CONTACT_RETRY_SECONDS = 0.5
CONNECT_TIMEOUT_SECONDS = 5.0
T = TypeVar("T")
R = TypeVar("R")
ErrorParser = Callable[[Any], str]


def default_error_detail(parsed: Any) -> str:
    """The human part of an error body in the shapes vendors use: `{"error": {code, message}}`, `{"error": "…"}`,
    `{"message": "…"}`, `{"reason": "…"}`. Vendors with another shape pass their own parser to the client."""
    if not isinstance(parsed, dict):
        return ""
    error = parsed.get("error")
    if isinstance(error, dict):
        code = error.get("code") or error.get("type") or ""
        text = error.get("message") or error.get("detail") or ""
        return f"{code} {text}".strip()
    for key in ("message", "reason", "detail"):
        if isinstance(parsed.get(key), str):
            return parsed[key]
    return error if isinstance(error, str) else ""


class NotFoundError(ApiError):
    """404 on a detail endpoint: the record was deleted between the list call and the detail call."""


class _WrongEndpoint(Exception):
    """The host answered 2xx with something that is not JSON (an HTML login page): the base URL is wrong."""


class _RetryableResponse(Exception):
    def __init__(self, status: int, retry_after: float | None, message: str) -> None:
        self.status = status
        self.retry_after = retry_after
        super().__init__(message)


class RequestStats:
    """Thread-safe counters of one run's HTTP traffic, keyed by endpoint template (e.g. `GET /v2/tickets/{n}`)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.by_endpoint: Counter[str] = Counter()
        self.by_status: Counter[int] = Counter()
        self.retries = 0
        self.throttled = 0
        self.waited_seconds = 0.0
        self.listeners: list[Callable[[RequestStats], None]] = []
        # a rate-limited source says how many requests its run will make, so progress can show requests done /
        # planned and the time left at the vendor's allowance (None: unknown, shown as a plain count)
        self.planned: int | None = None
        self.per_minute: float | None = None

    def record(self, endpoint: str, status: int | None) -> None:
        with self._lock:
            self.by_endpoint[endpoint] += 1
            if status is not None:
                self.by_status[status] += 1
                if status == 429:
                    self.throttled += 1
        for listener in self.listeners:
            listener(self)

    def record_retry(self, waited: float) -> None:
        with self._lock:
            self.retries += 1
            self.waited_seconds += waited

    @property
    def total(self) -> int:
        return sum(self.by_endpoint.values())

    def plan(self, requests: int, per_minute: float | None = None) -> None:
        """The run's planned request total (a source that knows it before it starts, e.g. UsersLoop)."""
        with self._lock:
            self.planned = requests
            self.per_minute = per_minute
        for listener in self.listeners:
            listener(self)

    def progress(self) -> dict[str, Any]:
        """requests done, planned, and seconds left at the allowance (for the CLI and the Prefect logs)."""
        done = self.total
        info: dict[str, Any] = {"requests": done}
        if self.planned:
            info["planned"] = max(self.planned, done)
            if self.per_minute:
                info["seconds_left"] = max(0.0, (info["planned"] - done) * 60.0 / self.per_minute)
        return info

    def as_dict(self) -> dict[str, Any]:
        with self._lock:
            return {
                "requests": sum(self.by_endpoint.values()),
                "by_endpoint": dict(self.by_endpoint),
                "by_status": {str(k): v for k, v in self.by_status.items()},
                "retries": self.retries,
                "throttled": self.throttled,
                "waited_seconds": round(self.waited_seconds, 3),
            }


class SlidingWindowLimiter:
    """At most `per_minute` request starts in any trailing `window`, kept in step with the server's own count.

    The vendors' rule is a sliding (or, for Laravel, fixed) window per API key; a sliding window on our side never
    lets more through than either, and bursts stay legal, so a short run finishes at once and a long one runs at
    the full allowance: request n+L starts as soon as request n is one window old.

    Our record alone is not the server's: a run that starts right after another (another process, a retried
    flow, a `check`) finds part of the server's window already spent, and UsersLoop sends no reset header to say
    when that part frees. So every answer's `X-RateLimit-Remaining` (with `X-RateLimit-Limit`) is read as the
    server's count of requests in its window when our request arrived, and compared with what we believe was in
    it by then (our own starts plus requests we learnt of before). Requests the server counted that we did not
    make become *foreign* entries stamped with our request's start, the latest they can have arrived, so they
    hold their slot for at most one window (never a 429 because of them); when a later answer shows fewer, the
    oldest foreign entries go, so a slot freed early is used at once. Our own starts are never dropped on the
    server's word: a request still in flight is not counted yet, and dropping it would risk a 429.

    Measured against the UsersLoop stand-in at 60 per 2 s (the minute scaled 30x; client window 1/60 longer, see
    RATE_WINDOW_MARGIN), 150 requests in a row: from a fresh window, 0 x 429 and every 60 consecutive requests
    spanned 2.033-2.037 s, i.e. 98 % of the allowance (4.1 s in all). Right after another client of the key
    spent 45 of the 60 in a burst: 1 x 429 with our own record only, 0 x 429 reading Remaining, both done in
    6.1 s. After 45 spread over the last 1.5 s: 2 x 429 (5.1 s) with our own record only, 0 x 429 (6.1 s)
    reading Remaining: never guessing when someone else's requests leave costs at most one window, and only on
    a run that starts into a spent window. A 429 that still comes (the key used elsewhere mid-run) holds every
    thread of the client for its `Retry-After`.
    """

    def __init__(self, per_minute: int | None, window: float = 60.0) -> None:
        self.per_minute = per_minute
        self.window = window
        self._starts: deque[float] = deque()  # our request starts, oldest first (monotonic seconds)
        self._foreign: list[float] = []  # requests the server counted that we did not make, sorted
        self._server_limit: int | None = None
        self._lock = threading.Lock()
        self._blocked_until = 0.0
        self._local = threading.local()  # this thread's last start: the request an answer belongs to

    def block_until(self, monotonic_deadline: float) -> None:
        """Called when the server says the budget is spent (X-RateLimit-Remaining: 0, or a 429's Retry-After)."""
        with self._lock:
            self._blocked_until = max(self._blocked_until, monotonic_deadline)

    @property
    def capacity(self) -> int | None:
        """Requests allowed in one window: our setting, or the server's advertised limit when that is lower."""
        if not self.per_minute:
            return None
        return min(self.per_minute, self._server_limit) if self._server_limit else self.per_minute

    def acquire(self) -> float:
        """Wait for a free slot, record the start, and return the seconds waited."""
        waited = 0.0
        while True:
            with self._lock:
                now = time.monotonic()
                delay = self._blocked_until - now
                capacity = self.capacity
                if delay <= 0 and capacity:
                    self._forget_before(now - self.window)
                    over = len(self._starts) + len(self._foreign) - capacity
                    if over >= 0:  # the slot frees when the (over+1)-th oldest entry leaves the window
                        oldest = list(islice(heapq.merge(self._starts, self._foreign), over + 1))[-1]
                        delay = oldest + self.window - now
                if delay <= 0:
                    if capacity:
                        self._starts.append(now)
                    self._local.start = now
                    return waited
            time.sleep(min(delay, 5.0))
            waited += min(delay, 5.0)

    def observe(self, remaining: int, limit: int | None = None) -> None:
        """Take the server's count from an answer to this thread's last request (see the class docstring)."""
        start = getattr(self._local, "start", None)
        if start is None or not self.per_minute:
            return
        with self._lock:
            if limit:
                self._server_limit = limit
            counted = (limit or self._server_limit or self.per_minute) - remaining
            since = start - self.window
            own = bisect_right(self._starts, start) - bisect_right(self._starts, since)
            first, last = bisect_right(self._foreign, since), bisect_right(self._foreign, start)
            believed = own + last - first
            if counted > believed:
                for _ in range(counted - believed):
                    insort(self._foreign, start)
            elif counted < believed and last > first:
                del self._foreign[first : first + min(last - first, believed - counted)]

    def _forget_before(self, horizon: float) -> None:
        while self._starts and self._starts[0] <= horizon:
            self._starts.popleft()
        if self._foreign and self._foreign[0] <= horizon:
            del self._foreign[: bisect_right(self._foreign, horizon)]


_SHARED_LIMITERS: dict[tuple[str, str, str, int, float], SlidingWindowLimiter] = {}
_SHARED_LIMITERS_LOCK = threading.Lock()


def shared_limiter(
    vendor: str, base_url: str, secrets: Iterable[str], per_minute: int | None, window: float
) -> SlidingWindowLimiter:
    """The limiter of one API key at one host, shared by every client of this process that uses that key.

    The allowance is the key's, not a client's: a `check` followed by a `run`, or a flow's second run, must
    not start with an empty record while the server still counts the first one's requests. The key is held
    only as a digest. Without a limit (or a key) each client gets its own limiter.
    """
    keys = sorted(s for s in secrets if s)
    if not per_minute or not keys:
        return SlidingWindowLimiter(per_minute, window=window)
    digest = hashlib.sha256("\0".join(keys).encode()).hexdigest()
    with _SHARED_LIMITERS_LOCK:
        return _SHARED_LIMITERS.setdefault(
            (vendor, base_url, digest, per_minute, window), SlidingWindowLimiter(per_minute, window=window)
        )


def _retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            return None


def _pool_manager(base_url: str, headers: dict[str, str], timeout: float, max_connections: int) -> urllib3.PoolManager:
    """Connection pools for the vendor's host, through the proxy the environment names (HTTPS_PROXY etc.)
    unless NO_PROXY exempts the host. No retries here (tenacity does them); redirects are followed."""
    options: dict[str, Any] = {
        "headers": headers,
        "timeout": urllib3.Timeout(connect=min(CONNECT_TIMEOUT_SECONDS, timeout), read=timeout),
        "maxsize": max_connections,
        "retries": urllib3.Retry(total=None, connect=0, read=0, status=0, other=0, redirect=5),
    }
    split = urlsplit(base_url)
    host = split.hostname or ""
    proxy = getproxies().get(split.scheme)
    # loopback (the sandbox, the demo) never goes through a proxy, whatever NO_PROXY says
    if proxy and host not in ("localhost", "127.0.0.1", "::1") and not proxy_bypass(host):
        return urllib3.ProxyManager(proxy, **options)
    return urllib3.PoolManager(**options)


def _query(params: Mapping[str, Any]) -> dict[str, Any]:
    """Query values as the vendors expect them: booleans lowercase, None left out."""
    return {k: (str(v).lower() if isinstance(v, bool) else v) for k, v in params.items() if v is not None}


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def _could_not_connect(exc: BaseException) -> bool:
    """No connection at all (refused, no such host, connect timeout), as opposed to an answer cut off."""
    reason = getattr(exc, "reason", None) or exc
    return isinstance(reason, NewConnectionError | ConnectTimeoutError)


def _no_answer(exc: BaseException) -> str:
    """What a transport failure means for a user: DNS, refused, timed out, or the low-level reason."""
    text = str(exc)
    reason = getattr(exc, "reason", None)
    names = {type(exc).__name__, type(reason).__name__ if reason is not None else ""}
    if "NameResolutionError" in names or "Name or service not known" in text or "nodename nor servname" in text:
        return "DNS lookup failed: no such host"
    if "Connection refused" in text or "ConnectionRefusedError" in text:
        return "connection refused: nothing listens there"
    if "ConnectTimeoutError" in names or "timed out" in text:
        return "no answer (timed out)"
    return f"no answer ({type(reason or exc).__name__})"


class VendorClient:
    """GETs JSON from one vendor account. Thread-safe; one instance per source invocation."""

    def __init__(
        self,
        *,
        vendor: str,
        base_url: str,
        headers: Mapping[str, str],
        secrets: Iterable[str],
        env_prefix: str,
        account: str | None = None,
        stats: RequestStats | None = None,
        timeout: float = 30.0,
        max_attempts: int = 8,
        backoff_base: float = 0.5,
        backoff_max: float = 60.0,
        rate_limit_per_minute: int | None = None,
        max_connections: int = 32,
        error_parser: ErrorParser | None = None,
        rate_window_seconds: float | None = None,
    ) -> None:
        self.vendor = vendor
        self.account = account
        self.env_prefix = env_prefix
        self.stats = stats or RequestStats()
        self.max_attempts = max_attempts
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.redact = Redactor(secrets)
        self.error_parser = error_parser or default_error_detail
        self._reached = False  # set by the first HTTP answer of any status from the vendor's host
        # the vendor's window is a minute unless a test or the demo scales it (`rate_window_seconds`)
        vendor_window = rate_window_seconds or 60.0
        window = max(vendor_window * RATE_WINDOW_MARGIN, vendor_window + RATE_WINDOW_JITTER_SECONDS)
        self.limiter = shared_limiter(vendor, base_url.rstrip("/"), secrets, rate_limit_per_minute, window)
        self.base_url = base_url.rstrip("/")
        self._headers = {**urllib3.util.make_headers(accept_encoding=True), **dict(headers)}
        self._pool = _pool_manager(
            self.base_url,
            headers=self._headers,
            timeout=timeout,
            max_connections=max_connections,
        )
        # Without a proxy every call goes to the vendor's one host: asking its pool directly skips the
        # manager's per-call URL parsing and pool lookup (0.1 ms of CPU per call, measured).
        self._host_pool = (
            None if isinstance(self._pool, urllib3.ProxyManager) else self._pool.connection_from_url(self.base_url)
        )
        self._path_prefix = urlsplit(self.base_url).path
        self._executor: ThreadPoolExecutor | None = None
        self._executor_workers = 0
        self._pool_lock = threading.Lock()

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None
        self._pool.clear()

    def _base_url_fix(self) -> str:
        return f"Fix: check {setting_name(self.env_prefix, self.account, 'BASE_URL')} (now {self.base_url})."

    def _host(self) -> str:
        return urlsplit(self.base_url).netloc or self.base_url

    # -- requests -------------------------------------------------------------------------------------
    def get(self, path: str, params: Mapping[str, Any] | None = None, endpoint: str | None = None) -> Any:
        """GET and parse JSON, retrying transient failures (429/5xx, timeouts, cut-off bodies) with backoff."""
        endpoint = endpoint or f"GET {path}"
        try:
            # The first attempt runs outside tenacity: setting up its retry state costs about a sixth of a
            # detail call's CPU (measured), and nearly every call succeeds the first time.
            return self._get_once(path, params, endpoint)
        except _WrongEndpoint as exc:
            raise ApiError(
                self.vendor,
                self.redact(
                    f"{self._host()} answered {endpoint} with {exc}, not JSON: the wrong URL? {self._base_url_fix()}"
                ),
                account=self.account,
            ) from None
        except (_RetryableResponse, TransportError) as exc:
            failures = [exc]
        if not self._reached and _could_not_connect(failures[0]):
            return self._first_contact(path, params, endpoint, failures[0])

        def attempt() -> Any:  # tenacity's attempt 1 is the failure above, so waits and counts stay its own
            if failures:
                raise failures.pop()
            return self._get_once(path, params, endpoint)

        retrying = _Retrying(
            retry=retry_if_exception(lambda exc: isinstance(exc, _RetryableResponse | TransportError)),
            stop=stop_after_attempt(self.max_attempts),
            wait=self._wait,
            before_sleep=self._before_sleep,
            reraise=True,
        )
        try:
            return retrying(attempt)
        except _RetryableResponse as exc:
            raise ApiError(
                self.vendor,
                self.redact(f"{endpoint} still failing after {self.max_attempts} attempts: {exc}"),
                status=exc.status,
                account=self.account,
            ) from None
        except TransportError as exc:
            raise ApiError(
                self.vendor,
                self.redact(
                    f"{endpoint} unreachable after {self.max_attempts} attempts "
                    f"({type(exc).__name__}: {_one_line(exc)}) at {self.base_url}"
                ),
                account=self.account,
            ) from None

    def _first_contact(self, path: str, params: Mapping[str, Any] | None, endpoint: str, failure: Exception) -> Any:
        """The host has never answered: one short retry, then a one-line error that names the setting to fix."""
        time.sleep(FIRST_CONTACT_RETRY_SECONDS)
        self.stats.record_retry(FIRST_CONTACT_RETRY_SECONDS)
        try:
            return self._get_once(path, params, endpoint)
        except TransportError as exc:
            failure = exc
        except (_RetryableResponse, _WrongEndpoint):
            return self.get(path, params, endpoint)  # it answers now: the normal rules apply
        raise ApiError(
            self.vendor,
            self.redact(f"{_no_answer(failure)} at {self._host()}. {self._base_url_fix()}"),
            account=self.account,
        ) from None

    def map_concurrent(self, fn: Callable[[T], R], items: Iterable[T], workers: int) -> Iterator[R]:
        """Apply `fn` over `items` with the client's thread pool, yielding results in input order.

        Detail calls are latency-bound; threads overlap the waits while the shared limiter keeps the whole
        pool inside the vendor's rate limit. One pool per client (per run), not one per page: starting a pool
        for every 100-record page was a measured hotspot.
        """
        items = list(items)
        if workers <= 1 or len(items) <= 1:
            yield from map(fn, items)
            return
        with self._pool_lock:
            if self._executor is None or self._executor_workers < workers:
                if self._executor is not None:
                    self._executor.shutdown(wait=False)
                self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=self.vendor)
                self._executor_workers = workers
            executor = self._executor
        yield from executor.map(fn, items)

    def _get_once(self, path: str, params: Mapping[str, Any] | None, endpoint: str) -> Any:
        self.limiter.acquire()
        target = path + (f"?{urlencode(_query(params), doseq=True)}" if params else "")
        try:
            # the whole body is read here: a cut-off body raises a ProtocolError (a TransportError)
            if self._host_pool is not None:
                response = self._host_pool.urlopen("GET", self._path_prefix + target, headers=self._headers)
            else:
                response = self._pool.request("GET", self.base_url + target)
        except TransportError:
            self.stats.record(endpoint, None)
            raise
        self._reached = True
        status = response.status
        self.stats.record(endpoint, status)
        self._observe_rate_limit(response)
        body = response.data
        if status < 400:
            try:
                return orjson.loads(body)
            except orjson.JSONDecodeError as exc:
                if body.lstrip()[:1] not in (b"{", b"["):
                    kind = "an HTML page" if b"<" in body[:200] else "a non-JSON body"
                    raise _WrongEndpoint(kind) from None
                # JSON that stops half-way is a broken transfer, so it is worth another try
                raise _RetryableResponse(status, None, f"invalid JSON in response: {exc}") from None
        message = self._error_message(response, body)
        if status in RETRYABLE_STATUS:
            raise _RetryableResponse(status, _retry_after_seconds(response.headers.get("Retry-After")), message)
        if status in (401, 403):
            raise AuthenticationError(self.vendor, status, self.env_prefix, self.account, detail=message)
        error_cls = NotFoundError if status == 404 else ApiError
        raise error_cls(self.vendor, self.redact(f"{endpoint}: {message}"), status=status, account=self.account)

    def _observe_rate_limit(self, response: urllib3.BaseHTTPResponse) -> None:
        """Keep the limiter in step with the server: its `X-RateLimit-Remaining` (and `X-RateLimit-Limit`) on
        every answer; pacing by `X-RateLimit-Reset` when the budget is spent on a successful answer (vendors that
        send one); and a 429's `Retry-After` holding every thread of the client, not only the one retrying.

        A 429 waits what its own `Retry-After` says: a reset a minute away must not override a `Retry-After: 1`
        (seen: a full minute lost per 429)."""
        headers = response.headers
        if response.status == 429:
            retry_after = _retry_after_seconds(headers.get("Retry-After"))
            if retry_after:
                self.limiter.block_until(time.monotonic() + min(retry_after, self.backoff_max))
            return
        remaining = headers.get("X-RateLimit-Remaining")
        if remaining is None:
            return
        try:
            left = int(float(remaining))
            limit = headers.get("X-RateLimit-Limit")
            self.limiter.observe(left, int(float(limit)) if limit else None)
            reset = headers.get("X-RateLimit-Reset")
            if left > 0 or reset is None:
                return
            reset_in = float(reset) - time.time() if float(reset) > 1e9 else float(reset)
        except ValueError:
            return
        if reset_in > 0:
            self.limiter.block_until(time.monotonic() + min(reset_in, self.backoff_max))

    def _error_message(self, response: urllib3.BaseHTTPResponse, body: bytes) -> str:
        try:
            detail = self.error_parser(orjson.loads(body))
        except orjson.JSONDecodeError:
            detail = " ".join(body[:200].decode("utf-8", "replace").split())
        return self.redact(f"HTTP {response.status} {detail}".strip())

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _RetryableResponse) and exc.retry_after is not None:
            return min(exc.retry_after, self.backoff_max)
        return min(self.backoff_base * (2 ** (state.attempt_number - 1)), self.backoff_max)

    def _before_sleep(self, state: RetryCallState) -> None:
        waited = state.next_action.sleep if state.next_action else 0.0
        self.stats.record_retry(waited)
        exc = state.outcome.exception() if state.outcome else None
        logger.warning(
            "%s: retrying after %s (attempt %d, waiting %.1fs)",
            self.vendor,
            self.redact(str(exc)),
            state.attempt_number,
            waited,
        )
