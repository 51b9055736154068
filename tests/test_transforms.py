"""The dbt project as a whole: every mart builds on an empty warehouse, warn-level results reach the user, emails
can be hashed away from every mart, the stage funnel equals an independent count, docs build, and the project's
own conventions hold."""

from __future__ import annotations

import re
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

from pipelines.runner import load_account
from pipelines.transform import TRANSFORMS_DIR, run_dbt
from pipelines.vendors import VENDOR_NAMES
from pipelines.warehouse import Warehouse, open_warehouse
from sandbox.featurebase import generate_workspace
from tests.conftest import CLI, FB_KEY, cli_env
from tests.support.sandboxes import serve
from tests.truth import metrics
from tests.vendors.base import driver

pytestmark = pytest.mark.slow
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def _published_tables(path: Path) -> dict[str, int]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = [row[0] for row in con.execute("select table_name from duckdb_tables() order by 1").fetchall()]
        return {table: con.execute(f'select count(*) from "{table}"').fetchone()[0] for table in tables}
    finally:
        con.close()


def test_an_empty_warehouse_builds_every_mart_empty(tmp_path: Path) -> None:
    """No vendor has loaded anything yet: every mart exists, empty, with no error and no warning."""
    warehouse = open_warehouse(tmp_path / "warehouse.duckdb", "duckdb")
    warehouse.validate()
    duckdb.connect(str(warehouse.anchor)).close()
    result = run_dbt(warehouse)
    assert not result.warnings and not result.failures
    tables = _published_tables(warehouse.publish())
    marts = {p.stem for p in (TRANSFORMS_DIR / "models" / "marts").glob("*.sql")}
    assert marts <= set(tables) and all(tables[m] == 0 for m in marts)


def test_an_unmapped_status_is_a_warning_the_user_sees_everywhere(tmp_path: Path) -> None:
    """A status nobody mapped: its tickets count as open, and the warn-level test is in the CLI summary, the
    published build_warnings the data-health page reads, and the exit code stays 0."""
    workspace = generate_workspace(seed=12, tickets=40, org_id="org_unmapped", posts=10)
    workspace.set_status_type("Waiting on customer", "paused")
    warehouse = tmp_path / "warehouse.duckdb"
    with serve("featurebase", {FB_KEY: workspace}) as sandbox:
        import subprocess

        proc = subprocess.run(
            [CLI, "run", "--warehouse", str(warehouse)],
            env=cli_env(**sandbox.env()),
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=600,
        )
    assert proc.returncode == 0, proc.stderr
    warnings = [line for line in proc.stderr.splitlines() if line.startswith("warning: dbt ")]
    assert warnings and all("is_status_unmapped" in line for line in warnings), proc.stderr
    con = duckdb.connect(str(warehouse.with_name("analytics.duckdb")), read_only=True)
    try:
        published = con.execute("select test_id from build_warnings").fetchall()
        paused = con.execute(
            "select count(*), min(status_category), bool_and(is_status_unmapped) from fct_tickets "
            "where status_type = 'paused'"
        ).fetchone()
    finally:
        con.close()
    assert len(published) == len(warnings)
    assert paused[0] > 0 and paused[1] == "open" and paused[2] is True


def test_with_hash_emails_no_raw_email_is_left_in_any_mart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every registered vendor loaded, emails hashed with a configured salt: a scan of every string column of
    every mart finds no email address, people still match across vendors, and without a salt dbt refuses."""
    warehouse = open_warehouse(tmp_path / "warehouse.duckdb", "duckdb")
    raw_emails: set[str] = set()
    for vendor in VENDOR_NAMES:
        vendor_driver = driver(vendor)
        workspace = vendor_driver.generate(8, f"{vendor}_hash")
        for name, value in vendor_driver.env.items():
            monkeypatch.setenv(name, value)
        with serve(vendor, {vendor_driver.keys[0]: workspace}, **vendor_driver.app_options) as sandbox:
            assert load_account(sandbox.account(key=vendor_driver.keys[0]), warehouse).ok
    con = duckdb.connect(str(warehouse.anchor), read_only=True)
    try:
        for schema, table, column in con.execute(
            "select table_schema, table_name, column_name from information_schema.columns "
            "where data_type in ('VARCHAR', 'JSON') and table_schema in ("
            + ", ".join(f"'{v}'" for v in VENDOR_NAMES)
            + ")"
        ).fetchall():
            for (value,) in con.execute(
                f'select distinct cast("{column}" as varchar) from "{schema}"."{table}"'
            ).fetchall():
                raw_emails.update(EMAIL.findall(value or ""))
    finally:
        con.close()
    assert len(raw_emails) > 50  # the raw data has plenty: the scan below could find them

    monkeypatch.setenv("TRANSFORMS__HASH_EMAILS", "true")
    with pytest.raises(Exception, match="no salt is configured"):
        run_dbt(warehouse)
    monkeypatch.setenv("TRANSFORMS__EMAIL_SALT", "pepper-61b2")
    result = run_dbt(warehouse)
    assert not result.failures
    published = warehouse.publish()
    con = duckdb.connect(str(published), read_only=True)
    try:
        columns = con.execute(
            "select table_name, column_name from information_schema.columns where data_type = 'VARCHAR'"
        ).fetchall()
        found = []
        for table, column in columns:
            for (value,) in con.execute(
                f'select distinct "{column}" from "{table}" where "{column}" like \'%@%\''
            ).fetchall():
                if EMAIL.search(value or ""):
                    found.append((table, column, value))
        people = con.execute("select count(*), count(distinct email) from dim_people").fetchone()
    finally:
        con.close()
    assert not found, found[:5]
    assert people[0] > 0 and people[0] == people[1]
    assert all(
        len(email) == 32
        for (email,) in duckdb.connect(str(published), read_only=True)
        .execute("select email from dim_people limit 20")
        .fetchall()
    )


def test_every_vendors_status_funnel_equals_stretches_counted_from_daily_truth(
    warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Four vendors, four daily runs with status changes between them: per source and stage, items now, items ever
    and the median days of the stretches that ended equal what each stand-in's daily states say (the first stretch
    of an item starts at its creation, each next one at the run that first saw the new stage)."""
    histories: dict[tuple[str, str], list[tuple[datetime, str]]] = {}
    live: dict[str, set[str]] = {}
    with ExitStack() as stack:
        sandboxes = {}
        for vendor in VENDOR_NAMES:
            vendor_driver = driver(vendor)
            for name, value in vendor_driver.env.items():
                monkeypatch.setenv(name, value)
            workspaces = {vendor_driver.keys[0]: vendor_driver.generate(21, "acct_funnel")}
            sandboxes[vendor] = stack.enter_context(serve(vendor, workspaces, **vendor_driver.app_options))
        for day in range(4):
            for vendor, sandbox in sandboxes.items():
                vendor_driver, workspace = driver(vendor), sandbox.workspace
                if day:
                    vendor_driver.mutate(workspace, seed=day)
                assert load_account(sandbox.account(), warehouse, as_of=workspace.now).ok
                items = vendor_driver.truth_feedback(workspace, "default") or []
                live[vendor] = {item.feedback_id for item in items}
                for item in items:
                    history = histories.setdefault((vendor, item.feedback_id), [])
                    if not history or history[-1][1] != item.status_stage:
                        history.append((workspace.now if history else item.created_at, item.status_stage))
    result = run_dbt(warehouse)
    assert not result.failures
    expected: dict[tuple[str, str], dict[str, Any]] = {}
    for (vendor, feedback_id), history in histories.items():
        if feedback_id not in live[vendor]:
            continue  # deleted: left out of the funnel
        for index, (started, stage) in enumerate(history):
            figures = expected.setdefault((vendor, stage), {"now": 0, "ever": set(), "durations": []})
            figures["ever"].add(feedback_id)
            if index + 1 < len(history):
                figures["durations"].append((history[index + 1][0] - started).total_seconds() / 86_400)
            else:
                figures["now"] += 1
    con = duckdb.connect(str(warehouse.publish()), read_only=True)
    try:
        rows = {
            (row[0], row[1]): row[2:]
            for row in con.execute(
                "select source_system, status_stage, items_now, items_ever, median_days_in_stage "
                "from mart_status_funnel"
            ).fetchall()
        }
    finally:
        con.close()
    assert {vendor for vendor, _ in rows} == set(VENDOR_NAMES) and len(rows) == 7 * len(VENDOR_NAMES)
    assert sum(len(f["durations"]) for f in expected.values()) > 10  # stages really changed along the way
    for key, (items_now, items_ever, median) in rows.items():
        figures = expected.get(key, {"now": 0, "ever": set(), "durations": []})
        assert (items_now, items_ever) == (figures["now"], len(figures["ever"])), key
        truth_median = metrics.percentile_cont(figures["durations"], 0.5)
        assert (median is None) == (truth_median is None), key
        if truth_median is not None:
            assert abs(median - truth_median) < 1e-6, (key, median, truth_median)


def _macro_bodies() -> dict[str, str]:
    """Each macro's body, stripped, by name: what a one-call model compiles to."""
    bodies: dict[str, str] = {}
    pattern = re.compile(r"\{%-?\s*macro\s+(\w+)\(.*?%\}(.*?)\{%-?\s*endmacro\s*-?%\}", re.S)
    for path in (TRANSFORMS_DIR / "macros").rglob("*.sql"):
        for name, body in pattern.findall(path.read_text()):
            bodies[name] = body.strip()
    return bodies


def test_project_conventions_hold() -> None:
    """Every model has a yml entry with a description; unit test names fit PostgreSQL identifiers (63 characters
    with dbt's suffixes); every model ends with `select * from final`."""
    documented: dict[str, str] = {}
    unit_tests: list[str] = []
    for path in (TRANSFORMS_DIR / "models").rglob("*.yml"):
        content = yaml.safe_load(path.read_text()) or {}
        for model in content.get("models", []):
            documented[model["name"]] = model.get("description", "")
        unit_tests += [test["name"] for test in content.get("unit_tests", [])]
    macro_bodies = _macro_bodies()
    for sql in (TRANSFORMS_DIR / "models").rglob("*.sql"):
        assert documented.get(sql.stem), f"{sql.stem} has no yml description"
        body = "\n".join(line for line in sql.read_text().splitlines() if not line.startswith("--")).strip()
        shared = re.fullmatch(r"\{\{\s*(\w+)\(.*\)\s*\}\}", body)
        if shared:  # a one-call model (a shared base shape): the macro it calls must keep the convention
            body = macro_bodies[shared.group(1)]
        assert body.endswith("select * from final"), sql.stem
    assert unit_tests and all(len(name) <= 60 for name in unit_tests), [n for n in unit_tests if len(n) > 60]


def test_docs_build_as_one_static_file(tmp_path: Path) -> None:
    warehouse = open_warehouse(tmp_path / "warehouse.duckdb", "duckdb")
    duckdb.connect(str(warehouse.anchor)).close()
    import subprocess

    proc = subprocess.run(
        [CLI, "transform", "--docs", "--warehouse", str(warehouse.anchor)],
        env=cli_env(),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    docs = tmp_path / "dbt-docs" / "index.html"
    assert f"dbt docs: {docs}" in proc.stdout
    html = docs.read_text()
    assert "mart_support_daily" in html and "fct_tickets" in html and len(html) > 100_000
