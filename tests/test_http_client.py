"""The shared HTTP client against the sandbox: retries, Retry-After, rate limiting, redaction."""

from __future__ import annotations

import time

import pytest

from sources.common.errors import ApiError, AuthenticationError
from sources.common.http import NotFoundError, SlidingWindowLimiter
from sources.common.redact import Redactor
from sources.featurebase.helpers import make_client
from tests.conftest import FB_KEY
from tests.support.sandboxes import Sandbox


def test_retry_after_is_honoured(fb_sandbox: Sandbox) -> None:
    fb_sandbox.app.faults.inject("status", endpoint="GET /v2/tickets/statuses", status=429, retry_after=1, times=1)
    client = make_client(FB_KEY, fb_sandbox.url, "default", None, None)
    started = time.monotonic()
    statuses = client.get("/v2/tickets/statuses")
    assert time.monotonic() - started >= 0.9
    assert statuses and client.stats.throttled == 1 and client.stats.retries == 1


def test_errors_are_one_line_and_never_carry_the_key(fb_sandbox: Sandbox) -> None:
    secret = "fb_secret_that_must_not_leak"
    client = make_client(secret, fb_sandbox.url, "acme", None, None)
    with pytest.raises(AuthenticationError) as info:
        client.get("/v2/tickets")
    message = str(info.value)
    assert "\n" not in message and secret not in message
    assert message.startswith("featurebase (account acme):")
    assert "SOURCES__FEATUREBASE__ACCOUNTS__ACME__API_KEY" in message


def test_not_found_and_bad_request_are_not_retried(fb_sandbox: Sandbox) -> None:
    client = make_client(FB_KEY, fb_sandbox.url, "default", None, None)
    with pytest.raises(NotFoundError):
        client.get("/v2/tickets/999999", endpoint="GET /v2/tickets/{ticketNumber}")
    with pytest.raises(ApiError) as info:
        client.get("/v2/tickets", {"limit": 1000})
    assert info.value.status == 400 and "limit" in str(info.value)
    assert client.stats.retries == 0 and client.stats.total == 2


def test_persistent_5xx_gives_up_with_a_clear_error(fb_sandbox: Sandbox) -> None:
    fb_sandbox.app.faults.inject("status", endpoint="GET /v2/tickets/statuses", status=500, times=10)
    client = make_client(FB_KEY, fb_sandbox.url, "default", None, None)
    client.max_attempts, client.backoff_base = 3, 0.01
    with pytest.raises(ApiError) as info:
        client.get("/v2/tickets/statuses")
    assert "after 3 attempts" in str(info.value) and client.stats.by_endpoint["GET /v2/tickets/statuses"] == 3


def test_sliding_window_limiter_never_exceeds_its_budget() -> None:
    limiter = SlidingWindowLimiter(per_minute=5, window=0.5)
    starts = []
    for _ in range(12):
        limiter.acquire()
        starts.append(time.monotonic())
    for i in range(len(starts)):
        in_window = [s for s in starts if starts[i] <= s < starts[i] + 0.5]
        assert len(in_window) <= 5
    assert starts[-1] - starts[0] >= 1.0  # 12 starts at 5 per 0.5 s need at least two full windows


def test_cut_off_body_is_retried_and_counted(fb_sandbox: Sandbox) -> None:
    fb_sandbox.app.faults.inject("truncate", endpoint="GET /v2/tickets/{ticketNumber}", times=2)
    client = make_client(FB_KEY, fb_sandbox.url, "default", None, None)
    client.backoff_base = 0.01
    detail = client.get("/v2/tickets/1", endpoint="GET /v2/tickets/{ticketNumber}")
    assert detail["ticketNumber"] == 1 and detail["conversationParts"]
    assert client.stats.retries == 2 and client.stats.by_endpoint["GET /v2/tickets/{ticketNumber}"] == 3


def _closed_port() -> int:
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_unreachable_host_fails_fast_with_one_line_naming_the_setting() -> None:
    """Never reached: one short retry, then vendor, host, what happened and the setting to fix (was ~64 s)."""
    port = _closed_port()
    secret = "fb_unreachable_secret"
    client = make_client(secret, f"http://127.0.0.1:{port}", "acme", None, None)
    started = time.monotonic()
    with pytest.raises(ApiError) as info:
        client.get("/v2/tickets/statuses")
    elapsed = time.monotonic() - started
    message = str(info.value)
    assert elapsed < 3, elapsed  # one short retry, not eight with backoff
    assert message.startswith("featurebase (account acme): connection refused")
    assert f"127.0.0.1:{port}" in message and "SOURCES__FEATUREBASE__ACCOUNTS__ACME__BASE_URL" in message
    assert "\n" not in message and secret not in message and "urllib3" not in message
    assert client.stats.total == 2


def test_a_host_that_does_not_resolve_says_dns() -> None:
    client = make_client("k", "http://vendor-that-does-not-exist.invalid", "default", None, None)
    started = time.monotonic()
    with pytest.raises(ApiError) as info:
        client.get("/v2/tickets/statuses")
    assert time.monotonic() - started < 5
    assert "DNS lookup failed" in str(info.value) and "SOURCES__FEATUREBASE__BASE_URL" in str(info.value)


def test_a_2xx_html_page_fails_at_once_as_the_wrong_url(fb_sandbox: Sandbox) -> None:
    """A login page with 200 is the wrong base URL: no retry, one line saying so (the sandbox's control API
    stands in for a site that answers HTML: its health page is JSON, so a path that serves bytes is used)."""
    from sandbox.framework.server import Response

    fb_sandbox.app.route(
        "GET", "/login", "GET /login", lambda request: Response(200, b"<html><body>Sign in</body></html>")
    )
    client = make_client(FB_KEY, fb_sandbox.url, "default", None, None)
    started = time.monotonic()
    with pytest.raises(ApiError) as info:
        client.get("/login")
    assert time.monotonic() - started < 1
    message = str(info.value)
    assert "an HTML page, not JSON" in message and "SOURCES__FEATUREBASE__BASE_URL" in message
    assert client.stats.total == 1 and client.stats.retries == 0


def test_retry_after_wins_over_a_distant_rate_limit_reset(fb_sandbox: Sandbox) -> None:
    """A 429 with Retry-After: 1 and X-RateLimit-Reset a minute away waits one second, not a minute."""
    from sandbox.framework.server import Response

    calls = []

    def limited(request: object) -> Response:
        calls.append(1)
        if len(calls) == 1:
            headers = {
                "Retry-After": "1",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": str(int(time.time()) + 60),
            }
            return Response(429, {"error": {"code": "rate_limit_exceeded", "message": "slow down"}}, headers)
        return Response(200, [{"id": "s1"}])

    fb_sandbox.app.route("GET", "/limited", "GET /limited", limited)
    client = make_client(FB_KEY, fb_sandbox.url, "default", None, None)
    started = time.monotonic()
    assert client.get("/limited") == [{"id": "s1"}]
    assert 0.9 < time.monotonic() - started < 5


def test_a_spent_budget_paces_by_its_reset_and_http_date_retry_after_is_honoured(fb_sandbox: Sandbox) -> None:
    """X-RateLimit-Remaining: 0 on a success holds the next request until X-RateLimit-Reset; a Retry-After
    given as an HTTP date is honoured too."""
    from email.utils import formatdate

    from sandbox.framework.server import Response

    calls: list[float] = []

    def budget(request: object) -> Response:
        calls.append(time.monotonic())
        if len(calls) == 1:
            return Response(200, [1], {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(time.time() + 1.5)})
        if len(calls) == 2:
            return Response(
                429, {"error": {"message": "later"}}, {"Retry-After": formatdate(time.time() + 2, usegmt=True)}
            )
        return Response(200, [len(calls)])

    fb_sandbox.app.route("GET", "/budget", "GET /budget", budget)
    client = make_client(FB_KEY, fb_sandbox.url, "default", None, None)
    assert client.get("/budget") == [1]
    assert client.get("/budget") == [3]
    assert calls[1] - calls[0] >= 1.0  # waited for the reset
    assert calls[2] - calls[1] >= 0.9  # waited for the HTTP-date Retry-After (1-2 s: the header has whole seconds)


def test_a_limit_enforced_by_the_server_is_kept_by_the_client(fb_sandbox: Sandbox) -> None:
    """With the client's own limit at the server's (5 per window), a burst never meets a 429."""
    fb_sandbox.app.configure(rate_limit_per_minute=5, rate_window_seconds=1)
    client = make_client(FB_KEY, fb_sandbox.url, "default", None, 5)
    client.limiter.window = 1.1
    for _ in range(12):
        client.get("/v2/tickets/statuses")
    assert fb_sandbox.app.status_counts().get(429, 0) == 0 and client.stats.total == 12


def test_redaction_masks_whole_tokens_only() -> None:
    """A two-letter key is masked where it stands as a key, never inside other words (was `***xRetryError`)."""
    redact = Redactor(["Ma", "sk_live_abc"])
    assert redact("MaxRetryError: Bearer Ma failed; key=Ma&x=1") == "MaxRetryError: Bearer *** failed; key=***&x=1"
    assert redact("token sk_live_abc, not sk_live_abcd") == "token ***, not sk_live_abcd"
    assert Redactor([None, ""])("nothing to hide") == "nothing to hide"


def test_proxy_from_the_environment_is_used(fb_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    """HTTP_PROXY is honoured (the sandbox stands in for the proxy: a plain-HTTP proxy gets absolute URLs)."""
    monkeypatch.setenv("HTTP_PROXY", fb_sandbox.url)
    monkeypatch.setenv("http_proxy", fb_sandbox.url)
    monkeypatch.setenv("NO_PROXY", "")
    monkeypatch.delenv("no_proxy", raising=False)
    client = make_client(FB_KEY, "http://vendor.invalid", "default", None, None)
    assert client.get("/v2/tickets/statuses")  # reached the sandbox through the "proxy", not vendor.invalid


def test_loopback_never_goes_through_a_proxy(fb_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "http_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")  # nothing listens there: using it would fail
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    client = make_client(FB_KEY, fb_sandbox.url, "default", None, None)
    assert client.get("/v2/tickets/statuses")
