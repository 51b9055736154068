"""Fault injection for sandbox vendor apps.

Faults are armed per route name (or for every route) and fire on the matching requests, so a test can
reproduce exactly the failure a real vendor produces once: a 429 with Retry-After, a slow response, a
connection that dies half-way through the body, or a change to the data that lands between two requests of a
scan (`mutate`: the app applies a mutation payload just before serving the request, e.g. a ticket that moves to
page 1 while a client reads page 3, or a record deleted between its list and detail requests).
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass
from typing import Any

FAULT_KINDS = ("status", "delay", "truncate", "mutate")


@dataclass
class Fault:
    """One armed fault; `remaining` and `to_skip` count down as matching requests arrive."""

    kind: str
    endpoint: str | None = None
    times: int = 1
    after: int = 0
    status: int | None = None
    retry_after: float | None = None
    delay: float | None = None
    mutation: dict[str, Any] | None = None
    api_key: str | None = None  # only requests made with this key (one account of several), None = any
    to_skip: int = 0
    remaining: int = 1

    def describe(self) -> dict[str, Any]:
        """JSON-friendly view for the control API."""
        return asdict(self)


class FaultInjector:
    """Thread-safe registry of armed faults, consulted once per (non-control) request."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def inject(
        self,
        kind: str,
        endpoint: str | None = None,
        times: int = 1,
        after: int = 0,
        status: int | None = None,
        retry_after: float | None = None,
        delay: float | None = None,
        mutation: dict[str, Any] | None = None,
        api_key: str | None = None,
    ) -> Fault:
        """Arm a fault for the next `times` requests to `endpoint` (a route name; None = any) after skipping `after`."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {FAULT_KINDS}")
        if times < 1 or after < 0:
            raise ValueError("times must be >= 1 and after >= 0")
        if kind == "status":
            status = int(status) if status is not None else 500
            if not 400 <= status <= 599:
                raise ValueError("status faults need a 4xx/5xx status")
            if status == 429 and retry_after is None:
                retry_after = 1
        if kind == "delay" and delay is None:
            delay = 1.0
        if kind == "mutate" and not isinstance(mutation, dict):
            raise ValueError("mutate faults need a mutation payload (the app's mutate() arguments)")
        fault = Fault(
            kind=kind,
            endpoint=endpoint,
            times=int(times),
            after=int(after),
            status=status,
            retry_after=retry_after,
            delay=float(delay) if delay is not None else None,
            mutation=dict(mutation) if mutation else None,
            api_key=api_key,
            to_skip=int(after),
            remaining=int(times),
        )
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self) -> None:
        """Disarm every fault."""
        with self._lock:
            self._faults.clear()

    def active(self) -> list[dict[str, Any]]:
        """Faults still armed (for the control API and debugging)."""
        with self._lock:
            return [f.describe() for f in self._faults]

    def match(self, route_name: str, api_key: str | None = None) -> Fault | None:
        """Consume and return the fault that applies to this request, if any.

        Every armed fault matching the route counts the request towards its `after` skip; the first one that
        is past its skip fires (one fault per request) and is dropped once its `times` are used up.
        """
        with self._lock:
            if not self._faults:
                return None
            fired: Fault | None = None
            for fault in self._faults:
                if fault.endpoint is not None and fault.endpoint != route_name:
                    continue
                if fault.api_key is not None and fault.api_key != api_key:
                    continue
                if fault.to_skip > 0:
                    fault.to_skip -= 1
                    continue
                if fired is None:
                    fault.remaining -= 1
                    fired = fault
            if fired is not None and fired.remaining <= 0:
                self._faults.remove(fired)
            return fired
