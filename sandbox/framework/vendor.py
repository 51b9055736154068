"""How a vendor stand-in declares itself to the CLI, the demo, the benchmarks and the contract tests.

Each `sandbox/<vendor>/` package exposes one `SANDBOX = SandboxVendor(...)`; the vendor's source package names
it (by dotted path, so sources never import the sandbox) in its registry entry.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from sandbox.framework.server import VendorApp


class Workspace(Protocol):
    """What every generated account offers: a clock that only moves when told, and its ground truth."""

    @property
    def now(self) -> Any: ...

    def advance(self, seconds: float) -> Any: ...

    def truth(self) -> Any: ...


@dataclass(frozen=True)
class SandboxVendor:
    """A vendor stand-in: how to generate an account, serve it, and make a day of activity happen in it.

    Attributes:
        name: the vendor name (the registry's), also its path prefix when several vendors share a port.
        api_path: the path the vendor's base URL ends with ("" for Featurebase, "/api/v1" for FeedbackKit).
        demo_key: the API key the demo and `feedback-warehouse sandbox` serve the account under.
        generate: (seed, scale, account_id) -> a workspace; `scale` is the vendor's main size knob (tickets or
            feedback items), 0 means the vendor's own demo size.
        app: (workspaces by API key, **options) -> the VendorApp serving them.
        demo_day: (workspace, rng) -> None: one day of realistic activity, clock moved one day forward.
        demo_scale: the size the demo generates.
        app_options: options the demo passes to `app` (e.g. UsersLoop's rate limit scaled to the demo).
        client_settings: the source settings a client of this stand-in needs to match it (e.g. the scaled rate
            window), as `SOURCES__<VENDOR>__<NAME>` config: the demo sets them for its runs, and
            `feedback-warehouse sandbox` prints them beside the base URL and key.
    """

    name: str
    api_path: str
    demo_key: str
    generate: Callable[[int, int, str], Workspace]
    app: Callable[..., VendorApp]
    demo_day: Callable[[Any, random.Random], None]
    demo_scale: int
    app_options: dict[str, Any] | None = None
    client_settings: dict[str, str] | None = None

    def base_url(self, server_url: str, shared_port: bool = True) -> str:
        """The base URL a source uses for this vendor on a sandbox server (prefixed when the port is shared)."""
        prefix = f"/{self.name}" if shared_port else ""
        return f"{server_url.rstrip('/')}{prefix}{self.api_path}"
