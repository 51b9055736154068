"""dbt in-process (dbtRunner) against the warehouse the loads wrote, with the registered vendors as a dbt var."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.vendors import dbt_vendors
from pipelines.warehouse import Warehouse

TRANSFORMS_DIR = Path(__file__).resolve().parent.parent / "transforms"


class TransformError(Exception):
    """dbt failed: models errored or data tests failed. The message lists which."""


@dataclass
class TransformResult:
    statuses: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    models_run: list[str] = field(default_factory=list)
    duration_s: float = 0.0


@contextmanager
def _env(values: dict[str, str]) -> Iterator[None]:
    """dbt reads its profile's settings from the environment: set them for this call only."""
    previous = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


SALT_ENV = "FEEDBACK_WAREHOUSE_EMAIL_SALT"


def transform_settings() -> tuple[dict[str, object], dict[str, str]]:
    """dbt vars and env from `[transforms]` in .dlt/config.toml / secrets.toml (or TRANSFORMS__* env vars):
    `hash_emails` replaces every email in the marts by a salted hash, with `email_salt` as the salt (a secret:
    it reaches dbt as an environment variable, never a file of the repository)."""
    import dlt

    from pipelines.dlt_settings import configure_dlt

    configure_dlt()
    hash_emails = str(dlt.config.get("transforms.hash_emails") or "").lower() in ("1", "true", "yes")
    variables: dict[str, object] = {"hash_emails": hash_emails}
    env: dict[str, str] = {}
    if hash_emails:
        salt = dlt.secrets.get("transforms.email_salt") or os.environ.get(SALT_ENV)
        if not salt:
            from pipelines.errors import ConfigError

            raise ConfigError(
                "hash_emails is on but no salt is configured. Fix: set email_salt under [transforms] in "
                ".dlt/secrets.toml (or TRANSFORMS__EMAIL_SALT)"
            )
        env[SALT_ENV] = str(salt)
    return variables, env


def dbt_vars(extra: dict[str, object] | None = None) -> str:
    """The vars every dbt call gets: `fw_vendors` from the registry (which staging models to union)."""
    return json.dumps({"fw_vendors": dbt_vendors(), **(extra or {})})


def run_dbt(
    warehouse: Warehouse,
    command: str = "build",
    extra_args: list[str] | None = None,
    variables: dict[str, object] | None = None,
) -> TransformResult:
    """Run a dbt command against `warehouse`; raise TransformError on failure. Warn-level test results are
    returned in `warnings` so the CLI summary, the Prefect report and the data-health page can show them."""
    from dbt.cli.main import dbtRunner

    started = time.monotonic()
    build_dir = warehouse.build_dir
    settings_vars, settings_env = transform_settings()
    args = [
        "--quiet",
        "--no-use-colors",
        *command.split(),
        "--project-dir",
        str(TRANSFORMS_DIR),
        "--profiles-dir",
        str(TRANSFORMS_DIR),
        "--target",
        warehouse.dbt_target,
        # per-warehouse build dirs: two warehouses (or two test processes) never share dbt's partial-parse state
        "--target-path",
        str(build_dir / "target"),
        "--log-path",
        str(build_dir / "logs"),
        "--vars",
        dbt_vars({**settings_vars, **(variables or {})}),
        *(extra_args or []),
    ]
    with _env({**warehouse.dbt_env(), **settings_env}):
        outcome = dbtRunner().invoke(args)
    result = TransformResult(duration_s=round(time.monotonic() - started, 3))
    for node_result in getattr(outcome.result, "results", None) or []:
        status = str(getattr(node_result.status, "value", node_result.status))
        result.statuses[status] = result.statuses.get(status, 0) + 1
        node = node_result.node
        message = (node_result.message or "").strip().splitlines()
        first_line = message[0] if message else status
        if status in ("error", "fail", "runtime error"):
            result.failures.append(f"{node.unique_id}: {first_line}")
        elif status == "warn":
            result.warnings.append(f"{node.unique_id}: {first_line}")
        elif status == "success" and str(getattr(node.resource_type, "value", node.resource_type)) == "model":
            result.models_run.append(node.unique_id)
    if not outcome.success:
        detail = "; ".join(result.failures[:5]) or " ".join(str(outcome.exception or "unknown error").split())
        raise TransformError(f"dbt {command} failed: {detail}")
    return result


def docs_path(warehouse: Warehouse) -> Path:
    """Where `transform --docs` writes the dbt docs site: one self-contained HTML file beside the warehouse."""
    return warehouse.anchor.with_name("dbt-docs") / "index.html"


def write_docs(warehouse: Warehouse) -> Path:
    """`dbt docs generate --static` (models, tests, lineage, the catalog of the built marts) as one HTML file."""
    import shutil

    run_dbt(warehouse, "docs generate", ["--static"])
    target = docs_path(warehouse)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(warehouse.build_dir / "target" / "static_index.html", target)
    return target
