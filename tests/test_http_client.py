"""The shared HTTP client against the sandbox: retries, Retry-After, rate limiting, redaction."""

from __future__ import annotations

import time

import pytest

from sources.common.errors import ApiError, AuthenticationError
from sources.common.http import NotFoundError, SlidingWindowLimiter
from sources.featurebase.helpers import make_client
from tests.conftest import FB_KEY, FeaturebaseSandbox


def test_retry_after_is_honoured(fb_sandbox: FeaturebaseSandbox) -> None:
    fb_sandbox.app.faults.inject("status", endpoint="GET /v2/tickets/statuses", status=429, retry_after=1, times=1)
    client = make_client(FB_KEY, fb_sandbox.url, "default", None, None)
    started = time.monotonic()
    statuses = client.get("/v2/tickets/statuses")
    assert time.monotonic() - started >= 0.9
    assert statuses and client.stats.throttled == 1 and client.stats.retries == 1


def test_errors_are_one_line_and_never_carry_the_key(fb_sandbox: FeaturebaseSandbox) -> None:
    secret = "fb_secret_that_must_not_leak"
    client = make_client(secret, fb_sandbox.url, "acme", None, None)
    with pytest.raises(AuthenticationError) as info:
        client.get("/v2/tickets")
    message = str(info.value)
    assert "\n" not in message and secret not in message
    assert message.startswith("featurebase (account acme):")
    assert "SOURCES__FEATUREBASE__ACCOUNTS__ACME__API_KEY" in message


def test_not_found_and_bad_request_are_not_retried(fb_sandbox: FeaturebaseSandbox) -> None:
    client = make_client(FB_KEY, fb_sandbox.url, "default", None, None)
    with pytest.raises(NotFoundError):
        client.get("/v2/tickets/999999", endpoint="GET /v2/tickets/{ticketNumber}")
    with pytest.raises(ApiError) as info:
        client.get("/v2/tickets", {"limit": 1000})
    assert info.value.status == 400 and "limit" in str(info.value)
    assert client.stats.retries == 0 and client.stats.total == 2


def test_persistent_5xx_gives_up_with_a_clear_error(fb_sandbox: FeaturebaseSandbox) -> None:
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


def test_cut_off_body_is_retried_and_counted(fb_sandbox: FeaturebaseSandbox) -> None:
    fb_sandbox.app.faults.inject("truncate", endpoint="GET /v2/tickets/{ticketNumber}", times=2)
    client = make_client(FB_KEY, fb_sandbox.url, "default", None, None)
    client.backoff_base = 0.01
    detail = client.get("/v2/tickets/1", endpoint="GET /v2/tickets/{ticketNumber}")
    assert detail["ticketNumber"] == 1 and detail["conversationParts"]
    assert client.stats.retries == 2 and client.stats.by_endpoint["GET /v2/tickets/{ticketNumber}"] == 3


def test_unreachable_host_gives_one_line_error_without_the_key() -> None:
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    secret = "fb_unreachable_secret"
    client = make_client(secret, f"http://127.0.0.1:{port}", "default", None, None)
    client.max_attempts, client.backoff_base = 2, 0.01
    with pytest.raises(ApiError) as info:
        client.get("/v2/tickets/statuses")
    message = str(info.value)
    assert "unreachable after 2 attempts" in message and f"127.0.0.1:{port}" in message
    assert "\n" not in message and secret not in message


def test_proxy_from_the_environment_is_used(fb_sandbox: FeaturebaseSandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    """HTTP_PROXY is honoured (the sandbox stands in for the proxy: a plain-HTTP proxy gets absolute URLs)."""
    monkeypatch.setenv("HTTP_PROXY", fb_sandbox.url)
    monkeypatch.setenv("http_proxy", fb_sandbox.url)
    monkeypatch.setenv("NO_PROXY", "")
    monkeypatch.delenv("no_proxy", raising=False)
    client = make_client(FB_KEY, "http://vendor.invalid", "default", None, None)
    assert client.get("/v2/tickets/statuses")  # reached the sandbox through the "proxy", not vendor.invalid


def test_loopback_never_goes_through_a_proxy(fb_sandbox: FeaturebaseSandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "http_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")  # nothing listens there: using it would fail
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    client = make_client(FB_KEY, fb_sandbox.url, "default", None, None)
    assert client.get("/v2/tickets/statuses")
