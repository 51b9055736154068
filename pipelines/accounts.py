"""Which vendor accounts are configured, read the dlt way (.dlt/secrets.toml or env vars).

The default account is the plain pair `SOURCES__<VENDOR>__API_KEY` / `SOURCES__<VENDOR>__BASE_URL`; named
accounts live under `[sources.<vendor>.accounts.<name>]` (or `SOURCES__<VENDOR>__ACCOUNTS__<NAME>__API_KEY`).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

import dlt

from pipelines.dlt_settings import configure_dlt
from pipelines.errors import ConfigError
from pipelines.vendors import VENDOR_NAMES, get_vendor
from sources.common.vendor import VendorSpec

_ACCOUNT_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


@dataclass(frozen=True)
class Account:
    vendor: str
    name: str
    base_url: str
    api_key: str = field(repr=False)

    @property
    def pipeline_name(self) -> str:
        return f"{self.vendor}__{self.name}"

    @property
    def label(self) -> str:
        return f"{self.vendor}/{self.name}"


def _named_account_names(vendor: str) -> set[str]:
    names: set[str] = set()
    section = dlt.secrets.get(f"sources.{vendor}.accounts")
    if isinstance(section, dict):
        names.update(str(name).lower() for name in section)
    # env vars cannot be enumerated through dlt's providers, so scan them for the documented pattern
    prefix = f"SOURCES__{vendor.upper()}__ACCOUNTS__"
    for key in os.environ:
        if key.startswith(prefix) and key.endswith("__API_KEY"):
            names.add(key[len(prefix) : -len("__API_KEY")].lower())
    return names


def _base_url(vendor: VendorSpec, section: str) -> str:
    """`base_url`, else the vendor's workspace URL filled with `workspace` (Product7), else the default."""
    base_url = dlt.config.get(f"{section}.base_url")
    if base_url:
        return str(base_url)
    workspace = dlt.config.get(f"{section}.workspace")
    if workspace and vendor.workspace_url:
        return vendor.workspace_url.format(workspace=str(workspace).strip())
    return vendor.default_base_url


def configured_accounts(vendors: list[str] | None = None) -> list[Account]:
    """Every account with an API key, in a stable order: default first, then named accounts A-Z."""
    configure_dlt()
    accounts: list[Account] = []
    for vendor_name in vendors or list(VENDOR_NAMES):
        vendor = get_vendor(vendor_name)
        section = f"sources.{vendor.name}"
        key = dlt.secrets.get(f"{section}.api_key")
        if key:
            accounts.append(Account(vendor.name, "default", _base_url(vendor, section), str(key)))
        for name in sorted(_named_account_names(vendor.name)):
            if not _ACCOUNT_NAME.match(name) or name == "default":
                raise ConfigError(
                    f"{vendor.name}: account name {name!r} must be lowercase letters, digits, '-' or '_' "
                    "(and not 'default', which is the plain api_key)"
                )
            key = dlt.secrets.get(f"{section}.accounts.{name}.api_key")
            if not key:
                continue
            accounts.append(Account(vendor.name, name, _base_url(vendor, f"{section}.accounts.{name}"), str(key)))
    return accounts
