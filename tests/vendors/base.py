"""What the contract suite needs to know about a vendor to test it: one driver per registered vendor.

A driver reads the vendor's raw tables and its stand-in's truth in the same comparable shape, makes changes
happen in the stand-in, and names the requests a run must make. Everything else (the load, the faults, the
crash, the key checks, the marts against independent truth) is the same code for every vendor.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

from tests.truth import model


@dataclass
class VendorDriver:
    name: str
    keys: tuple[str, str]  # two accounts' API keys the stand-in accepts
    list_routes: frozenset[str]  # routes every run reads (lists, lookups)
    detail_routes: frozenset[str]  # routes only for new or changed records
    scale: int = 60  # contract-size accounts: small, every hard case still present
    app_options: dict[str, Any] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)  # extra settings a run of this vendor needs in tests
    # dbt tests the stand-in's deliberate hard cases make warn (e.g. an unknown status value), by test name part
    expected_dbt_warnings: frozenset[str] = frozenset()

    # -- the stand-in -----------------------------------------------------------------------------------
    def generate(self, seed: int, account_id: str) -> Any:
        raise NotImplementedError

    def mutate(self, workspace: Any, seed: int) -> None:
        """New and changed records of every kind the vendor has (and at least one deletion)."""
        raise NotImplementedError

    def delete_some(self, workspace: Any, seed: int) -> None:
        """Delete records of each deletable kind (a complete scan, or a reconcile run, must notice)."""
        raise NotImplementedError

    def no_change_requests(self, workspace: Any) -> dict[str, int]:
        """The exact requests per route of a run right after a run, when nothing changed."""
        raise NotImplementedError

    def inject_malformed(self, workspace: Any) -> int:
        """Serve records that cannot be loaded; returns how many the run must quarantine."""
        raise NotImplementedError

    def add_unknown_field(self, workspace: Any) -> tuple[str, str, int]:
        """Records start carrying a field nobody knew: (raw table, column, rows that must have it)."""
        raise NotImplementedError

    # -- comparable snapshots of the raw data -------------------------------------------------------------
    def raw_truth(self, workspace: Any) -> dict[str, Any]:
        """What the raw tables of one account must hold, as comparable values (ids, counts, key fields)."""
        raise NotImplementedError

    def raw_loaded(self, warehouse: Any, account: str) -> dict[str, Any]:
        """The same snapshot read from the warehouse's raw tables."""
        raise NotImplementedError

    # -- independent truth for the marts ------------------------------------------------------------------
    def truth_tickets(self, workspace: Any, account: str) -> list[model.Ticket] | None:
        return None

    def truth_feedback(self, workspace: Any, account: str) -> list[model.Feedback] | None:
        return None


def driver(vendor: str) -> VendorDriver:
    """The registered vendor's driver, `tests/vendors/<vendor>.py`'s DRIVER."""
    return importlib.import_module(f"tests.vendors.{vendor}").DRIVER
