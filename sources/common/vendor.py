"""A vendor's declaration: everything the pipelines, the CLI, the demo and dbt need to know about it, said once.

Each `sources/<vendor>/settings.py` defines `VENDOR = VendorSpec(...)`; `sources/registry.py` lists the vendor
packages. Callables are named by dotted path ("package.module:attribute") so that reading the registry imports
neither dlt nor the sandbox: a source never depends on its stand-in, and the CLI starts fast.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

#: the canonical staging models a vendor may provide (`stg_<vendor>__<entity>`); the shared dbt layers union
#: the ones each vendor declares, by column name
DBT_ENTITIES = (
    "tickets",
    "ticket_events",
    "feedback",
    "vote_observations",
    "voters",
    "voter_companies",
    "feedback_comments",
    "roadmap_items",
    "people",
    "deletions",
)


def load(dotted: str) -> Any:
    """`package.module:attribute` -> the attribute (imported on first use)."""
    module, _, attribute = dotted.partition(":")
    return getattr(importlib.import_module(module), attribute)


@dataclass(frozen=True)
class VendorSpec:
    """One vendor, declared once.

    Attributes:
        name: the vendor's name: dlt dataset, `source_system` in the marts, `--source` on the CLI.
        label: how people write it (Featurebase, Product7).
        env_prefix: where its settings live (`SOURCES__FEATUREBASE`).
        default_base_url: the production API root.
        source: dotted path of the `@dlt.source` function.
        check_credentials: dotted path of `(api_key, base_url, account) -> None` making one cheap request.
        sandbox: dotted path of the stand-in's `SandboxVendor` (demo, `feedback-warehouse sandbox`, tests).
        dbt_entities: the canonical staging models it provides (see DBT_ENTITIES).
        workspace_url: a base URL template for vendors addressed by workspace (`https://{workspace}.api.x.io`),
            used when an account sets `workspace` instead of `base_url`.
        key_help: where a user finds the key, for errors and docs.
    """

    name: str
    label: str
    env_prefix: str
    default_base_url: str
    source: str
    check_credentials: str
    sandbox: str
    dbt_entities: tuple[str, ...]
    workspace_url: str | None = None
    key_help: str = ""

    def __post_init__(self) -> None:
        unknown = set(self.dbt_entities) - set(DBT_ENTITIES)
        if unknown:
            raise ValueError(f"{self.name}: unknown dbt entities {sorted(unknown)}; known: {DBT_ENTITIES}")

    @property
    def dataset(self) -> str:
        return self.name

    def source_factory(self) -> Any:
        return load(self.source)

    def credential_check(self) -> Any:
        return load(self.check_credentials)

    def sandbox_vendor(self) -> Any:
        return load(self.sandbox)
