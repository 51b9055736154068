"""What an hourly run rebuilds: nothing when nothing was loaded, else only what is downstream of what changed.

The rule (README "How fast", DECISIONS.md):
- a full `dbt build` (every model, data test and unit test) when the marts were never published, when the last
  build failed, when the dbt project or the vendor registry changed since the last full build, in a reconcile
  run (the nightly deployment) and with `--full-build`;
- otherwise, when some vendors loaded new rows: `dbt build --select source:<vendor>+` for those vendors (their
  staging models and everything downstream: the unions and marts; data tests of what was rebuilt), plus the
  load-metadata marts, without unit tests (they test SQL, which did not change since the last full build);
- when no account loaded a row: no dbt at all; the published file only gets its load freshness refreshed.
No mart depends on the clock (reference times come from the data), so nothing needs a rebuild just because
time passed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.transform import TRANSFORMS_DIR
from pipelines.vendors import dbt_vendors
from pipelines.warehouse import Warehouse

#: marts that read raw tables directly (every dataset's loads and quarantine) rather than through a dbt source
LOAD_METADATA_MODELS = ("mart_load_runs", "fct_quarantine")
_FINGERPRINT = "full-build.fingerprint"


@dataclass
class BuildPlan:
    kind: str  # "full", "selective" or "none"
    vendors: list[str] = field(default_factory=list)
    reason: str = ""

    def dbt_args(self) -> list[str]:
        if self.kind != "selective":
            return []
        selectors = [f"source:{vendor}+" for vendor in self.vendors] + list(LOAD_METADATA_MODELS)
        return ["--select", *selectors, "--exclude", "resource_type:unit_test"]


def project_fingerprint() -> str:
    """A hash of everything a build depends on besides the data: the dbt project's files and the vendor list."""
    digest = hashlib.sha256(json.dumps(dbt_vendors(), sort_keys=True).encode())
    for path in sorted(TRANSFORMS_DIR.rglob("*")):
        if path.is_file() and not {"target", "logs", "dbt_packages"} & set(path.relative_to(TRANSFORMS_DIR).parts):
            digest.update(str(path.relative_to(TRANSFORMS_DIR)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _fingerprint_path(warehouse: Warehouse) -> Path:
    return warehouse.build_dir / _FINGERPRINT


def remember_full_build(warehouse: Warehouse) -> None:
    path = _fingerprint_path(warehouse)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(project_fingerprint())


def forget_full_build(warehouse: Warehouse) -> None:
    """A build failed: the marts may lack rows that were loaded, so the next run builds everything again
    (a run with nothing new would otherwise rebuild nothing and leave them behind)."""
    _fingerprint_path(warehouse).unlink(missing_ok=True)


def plan_build(warehouse: Warehouse, changed_vendors: set[str], *, full: bool = False) -> BuildPlan:
    """What this run rebuilds (see the module docstring for the rule)."""
    if full:
        return BuildPlan("full", reason="a full build was asked for (reconcile or --full-build)")
    if not warehouse.published_path.exists():
        return BuildPlan("full", reason="nothing published yet")
    fingerprint = _fingerprint_path(warehouse)
    if not fingerprint.exists():
        return BuildPlan("full", reason="the last build failed, or none succeeded yet")
    if fingerprint.read_text() != project_fingerprint():
        return BuildPlan("full", reason="the dbt project or the vendor list changed since the last full build")
    if not changed_vendors:
        return BuildPlan("none", reason="no account loaded a new or changed row")
    return BuildPlan("selective", sorted(changed_vendors), reason="only these vendors loaded new or changed rows")
