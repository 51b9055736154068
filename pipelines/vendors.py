"""The registered vendors (sources/registry.py), each as its package declares it (`settings.VENDOR`)."""

from __future__ import annotations

import importlib
from functools import cache

from pipelines.errors import ConfigError
from sources.common.vendor import VendorSpec
from sources.registry import VENDOR_PACKAGES


@cache
def registered() -> dict[str, VendorSpec]:
    """Vendor name -> its declaration, in registry order."""
    vendors: dict[str, VendorSpec] = {}
    for package in VENDOR_PACKAGES:
        spec = importlib.import_module(f"{package}.settings").VENDOR
        if spec.name in vendors:
            raise ValueError(f"vendor {spec.name!r} is registered twice ({package})")
        vendors[spec.name] = spec
    return vendors


VENDOR_NAMES: tuple[str, ...] = tuple(registered())


class UnknownVendor(ConfigError, ValueError):
    """A vendor name the registry does not know (a typo in `--source`)."""


def get_vendor(name: str) -> VendorSpec:
    try:
        return registered()[name]
    except KeyError:
        raise UnknownVendor(f"unknown vendor {name!r}; known: {', '.join(VENDOR_NAMES)}") from None


def dbt_vendors() -> dict[str, list[str]]:
    """The `fw_vendors` dbt var: each registered vendor and the canonical staging models it provides."""
    return {name: list(spec.dbt_entities) for name, spec in registered().items()}
