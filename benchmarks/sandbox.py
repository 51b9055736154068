"""The driver's side of a stand-in process (`python -m benchmarks.serve`): start it, steer it over `/_sandbox/`
(request counts and log, latency and rate limits, mutations, truth), and configure clients for it."""

from __future__ import annotations

import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from typing import Any

import httpx
import orjson

from benchmarks.child import PYTHON, ROOT
from pipelines.vendors import get_vendor

#: the mutation payload key that picks one account's workspace when a stand-in serves several (each app's own)
WORKSPACE_SELECTOR = {"featurebase": "org", "product7": "workspace", "feedbackkit": "project", "usersloop": "product"}


@dataclass(frozen=True)
class Size:
    """A Featurebase workspace's size (the headline workspace and the scaling points)."""

    tickets: int
    parts_per_ticket: int = 10
    posts: int = 200
    voters: int = 1000

    def args(self) -> list[str]:
        return [
            "--tickets",
            str(self.tickets),
            "--parts-per-ticket",
            str(self.parts_per_ticket),
            "--posts",
            str(self.posts),
            "--voters",
            str(self.voters),
        ]


class Sandbox:
    """One vendor's stand-in in its own process, serving `accounts` workspaces (one API key each)."""

    def __init__(self, vendor: str, serve_args: list[str], accounts: int = 1) -> None:
        self.vendor = vendor
        self.size: Size | None = None  # Featurebase only
        self.rate_limit_per_minute: int | None = None  # what the server enforces (none for throughput runs)
        self.rate_window_seconds: float = 60.0
        # the stand-in's stderr goes to a file: asyncio's notes about connections still open when it stops are
        # noise in the report, and the file says why if it fails to start
        self.stderr = tempfile.TemporaryFile()  # noqa: SIM115  # lives as long as the process: closed in stop()
        self.proc = subprocess.Popen(
            [PYTHON, "-m", "benchmarks.serve", "--vendor", vendor, "--accounts", str(accounts), *serve_args],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            self.stderr.seek(0)
            tail = self.stderr.read().decode(errors="replace")[-2000:]
            raise RuntimeError(f"{vendor} sandbox {serve_args} did not start (exit {self.proc.wait()}): {tail}")
        info = orjson.loads(line)
        self.url: str = info["url"]
        self.base_url: str = info["base_url"]
        self.api_keys: list[str] = info["api_keys"]
        self.records: dict[str, int] = info["records"]
        self.records_all_accounts: int = info["records_all_accounts"]
        self.generate_s: float = info["generate_s"]
        self.http = httpx.Client(base_url=self.url, timeout=120)

    @classmethod
    def featurebase(cls, size: Size, accounts: int = 1) -> Sandbox:
        sandbox = cls("featurebase", size.args(), accounts)
        sandbox.size = size
        return sandbox

    @classmethod
    def sized(cls, vendor: str, scale: int, accounts: int = 1) -> Sandbox:
        """A non-Featurebase vendor at `scale` (its stand-in's main size knob: tickets, feedbacks, feedback)."""
        return cls(vendor, ["--scale", str(scale)], accounts)

    @property
    def api_key(self) -> str:
        return self.api_keys[0]

    @property
    def total_records(self) -> int:
        return sum(self.records.values())

    # ----------------------------------------------------------------------------------- control API
    def counts(self) -> dict[str, Any]:
        self._alive()
        return self.http.get("/_sandbox/requests").json()

    def log(self) -> list[dict[str, Any]]:
        """Every request since the last reset, in arrival order (`at` epoch seconds, route, status)."""
        return self.http.get("/_sandbox/log").json()["requests"]

    def reset(self) -> None:
        """Zero the request counters and log; also empties the rate-limit windows (a full budget again)."""
        self._alive()
        self.http.post("/_sandbox/requests/reset").raise_for_status()

    def configure(self, **config: Any) -> None:
        self.http.post("/_sandbox/config", json=config).raise_for_status()
        if "rate_limit_per_minute" in config:
            self.rate_limit_per_minute = config["rate_limit_per_minute"]
        if "rate_window_seconds" in config:
            self.rate_window_seconds = float(config["rate_window_seconds"])

    def mutate(self, action: str, key: str | None = None, **kwargs: Any) -> Any:
        """A workspace mutation (the stand-in's `MUTATIONS`); `key` picks the account when several are served."""
        payload = {"action": action, **kwargs}
        if key is not None:
            payload[WORKSPACE_SELECTOR[self.vendor]] = key
        response = self.http.post("/_sandbox/mutate", json=payload)
        response.raise_for_status()
        return response.json()["result"]

    def truth(self) -> dict[str, Any]:
        """The first account's ground truth."""
        body = self.http.get("/_sandbox/truth").json()
        return next(iter(body.values()))

    # --------------------------------------------------------------------------------- client config
    def env(self, keys: int | None = 1) -> dict[str, str]:
        """Env vars configuring our CLI for this stand-in, the way a user sets them: the first account as the
        default one (`keys=1`), or `keys` named accounts (`SOURCES__<VENDOR>__ACCOUNTS__A00__API_KEY`, ...).

        Our client keeps to the limit the server enforces: none on throughput runs (the other contenders never
        limit themselves), the vendor's own (and a scaled window) where the server enforces it.
        """
        prefix = get_vendor(self.vendor).env_prefix
        env = {f"{prefix}__RATE_LIMIT_PER_MINUTE": str(self.rate_limit_per_minute or 0)}
        if self.rate_limit_per_minute and self.rate_window_seconds != 60.0:
            env[f"{prefix}__RATE_WINDOW_SECONDS"] = str(self.rate_window_seconds)
        if keys == 1:
            env[f"{prefix}__API_KEY"] = self.api_key
            env[f"{prefix}__BASE_URL"] = self.base_url
            return env
        for index, key in enumerate(self.api_keys[:keys]):
            env[f"{prefix}__ACCOUNTS__A{index:02d}__API_KEY"] = key
            env[f"{prefix}__ACCOUNTS__A{index:02d}__BASE_URL"] = self.base_url
        return env

    def _alive(self) -> None:
        if self.proc.poll() is not None:
            raise RuntimeError(f"{self.vendor} sandbox process exited with {self.proc.returncode}")

    def stop(self) -> None:
        self.http.close()
        if self.proc.stdin:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        self.stderr.close()


class Poller:
    """Samples the sandbox's request counters every `interval` s (for rates over time in the remote run)."""

    def __init__(self, sandbox: Sandbox, interval: float = 0.25) -> None:
        self.sandbox = sandbox
        self.interval = interval
        self.samples: list[tuple[float, dict[str, int]]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._http = httpx.Client(base_url=sandbox.url, timeout=30)

    def __enter__(self) -> Poller:
        self._t0 = time.monotonic()
        self._sample()  # a zero point before the contender starts, so every rate has a start
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()
        self._http.close()

    def _sample(self) -> None:
        counts = self._http.get("/_sandbox/requests").json()["counts"]
        self.samples.append((time.monotonic() - self._t0, counts))

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()
