"""The vendors this project loads, and how to build each one's dlt source."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Vendor:
    name: str
    env_prefix: str
    default_base_url: str
    source_factory: Callable[..., Any]
    check_credentials: Callable[[str, str, str], None]

    @property
    def dataset(self) -> str:
        return self.name


def _featurebase() -> Vendor:
    from sources.featurebase import featurebase_source, helpers, settings

    return Vendor(
        settings.VENDOR,
        settings.ENV_PREFIX,
        settings.DEFAULT_BASE_URL,
        featurebase_source,
        helpers.check_credentials,
    )


_FACTORIES: dict[str, Callable[[], Vendor]] = {"featurebase": _featurebase}
VENDOR_NAMES: tuple[str, ...] = tuple(_FACTORIES)


def get_vendor(name: str) -> Vendor:
    try:
        return _FACTORIES[name]()
    except KeyError:
        raise ValueError(f"unknown vendor {name!r}; known: {', '.join(VENDOR_NAMES)}") from None
