"""dbt build of transforms/ in-process (dbtRunner), against the warehouse the loads wrote."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

TRANSFORMS_DIR = Path(__file__).resolve().parent.parent / "transforms"


class TransformError(Exception):
    """dbt build failed: models errored or data tests failed. The message lists which."""


@dataclass
class TransformResult:
    statuses: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    duration_s: float = 0.0


def run_dbt(warehouse: Path, command: str = "build", extra_args: list[str] | None = None) -> TransformResult:
    """Run a dbt command with FEEDBACK_WAREHOUSE pointing at `warehouse`; raise TransformError on failure."""
    import time

    from dbt.cli.main import dbtRunner

    started = time.monotonic()
    build_dir = warehouse.with_name(f".{warehouse.stem}.dbt")
    previous = os.environ.get("FEEDBACK_WAREHOUSE")
    os.environ["FEEDBACK_WAREHOUSE"] = str(warehouse)
    try:
        args = [
            "--quiet",
            "--no-use-colors",
            command,
            "--project-dir",
            str(TRANSFORMS_DIR),
            "--profiles-dir",
            str(TRANSFORMS_DIR),
            # per-warehouse build dirs: two warehouses (or two test processes) never share dbt's partial-parse state
            "--target-path",
            str(build_dir / "target"),
            "--log-path",
            str(build_dir / "logs"),
            *(extra_args or []),
        ]
        outcome = dbtRunner().invoke(args)
    finally:
        if previous is None:
            os.environ.pop("FEEDBACK_WAREHOUSE", None)
        else:
            os.environ["FEEDBACK_WAREHOUSE"] = previous
    result = TransformResult(duration_s=round(time.monotonic() - started, 3))
    for node_result in getattr(outcome.result, "results", None) or []:
        status = str(getattr(node_result.status, "value", node_result.status))
        result.statuses[status] = result.statuses.get(status, 0) + 1
        if status in ("error", "fail", "runtime error"):
            message = (node_result.message or "").strip().splitlines()
            result.failures.append(f"{node_result.node.unique_id}: {message[0] if message else status}")
    if not outcome.success:
        detail = "; ".join(result.failures[:5]) or str(outcome.exception or "unknown error")
        raise TransformError(f"dbt {command} failed: {detail}")
    return result
