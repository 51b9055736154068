"""Serve registered vendors' stand-ins on 127.0.0.1 for a test (real HTTP), and name their accounts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from pipelines.accounts import Account
from pipelines.vendors import get_vendor
from sandbox.framework import SandboxServer, SandboxVendor, VendorApp


@dataclass
class Sandbox:
    """One vendor's stand-in serving one or more accounts (workspaces by API key) on its own port."""

    vendor: str
    stand_in: SandboxVendor
    app: VendorApp
    server: SandboxServer
    workspaces: dict[str, Any]

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def base_url(self) -> str:
        return self.stand_in.base_url(self.server.url, shared_port=False)

    @property
    def workspace(self) -> Any:
        return next(iter(self.workspaces.values()))

    @property
    def key(self) -> str:
        return next(iter(self.workspaces))

    def account(self, name: str = "default", key: str | None = None) -> Account:
        return Account(self.vendor, name, self.base_url, key or self.key)

    def env(self, key: str | None = None, account: str = "default") -> dict[str, str]:
        """The env vars that configure this account, the way a user sets them."""
        prefix = get_vendor(self.vendor).env_prefix
        if account != "default":
            prefix = f"{prefix}__ACCOUNTS__{account.upper()}"
        return {f"{prefix}__API_KEY": key or self.key, f"{prefix}__BASE_URL": self.base_url}


def stand_in(vendor: str) -> SandboxVendor:
    return get_vendor(vendor).sandbox_vendor()


@contextmanager
def serve(vendor: str, workspaces: dict[str, Any], **options: Any) -> Iterator[Sandbox]:
    """`vendor`'s stand-in serving `workspaces` (API key -> workspace) for the duration of the block."""
    sandbox_vendor = stand_in(vendor)
    app = sandbox_vendor.app(workspaces, **options)
    with SandboxServer(app) as server:
        yield Sandbox(vendor, sandbox_vendor, app, server, workspaces)
