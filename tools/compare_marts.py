"""Build the marts of one raw warehouse with two versions of transforms/ and compare them row for row.

Why: a refactor of the dbt project must not change a figure. This loads the demo story once with the current
code (one raw warehouse), copies it, builds the marts on one copy with the transforms of a reference commit
(checked out with `git worktree`) and on the other with the working tree's, then compares every mart table of
the reference: same rows (ordered by every column) on the columns both have. New tables and new columns are
listed, not failed; a missing table or column, or any differing row, fails.

    .venv/bin/python -m tools.compare_marts --reference 8328de2 [--scale 500] [--days 13]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import duckdb

REPO = Path(__file__).resolve().parent.parent


def _comparable(value: Any) -> Any:
    # sums of doubles depend on the order rows are added in, which no SQL engine fixes: compare to 6 decimals
    return round(value, 6) if isinstance(value, float) else value


# columns that say when and in which load a run happened, not what the data is: two loads never share them
VOLATILE_COLUMNS = frozenset({"load_id", "load_run_key", "loaded_at", "quarantined_at", "last_success_at"})


def mart_rows(warehouse: Path, table: str, columns: list[str], schema: str = "marts") -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        select = ", ".join(f'"{c}"' for c in columns)
        rows = con.execute(f'select {select} from {schema}."{table}"').fetchall()
    finally:
        con.close()
    return sorted((tuple(_comparable(v) for v in row) for row in rows), key=repr)


def mart_columns(warehouse: Path, schema: str = "marts") -> dict[str, list[str]]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute(
            "select table_name, column_name from duckdb_columns() where schema_name = ? "
            "and database_name = current_database() order by table_name, column_index",
            [schema],
        ).fetchall()
    finally:
        con.close()
    tables: dict[str, list[str]] = {}
    for table, column in rows:
        tables.setdefault(table, []).append(column)
    return tables


def compare_published(reference: Path, current: Path) -> tuple[list[str], dict[str, int]]:
    """Two published files (marts in `main`) compared row for row, load timestamps and ids left out:
    (differences, rows per identical table)."""
    identical: dict[str, int] = {}
    problems = compare(reference, current, schema="main", skip=VOLATILE_COLUMNS, identical=identical, quiet=True)
    return problems, identical


def compare(
    reference: Path,
    current: Path,
    schema: str = "marts",
    skip: frozenset[str] = frozenset(),
    identical: dict[str, int] | None = None,
    quiet: bool = False,
) -> list[str]:
    """Differences between the marts of two warehouses (empty when every reference row is reproduced)."""
    problems: list[str] = []
    ref_tables, cur_tables = mart_columns(reference, schema), mart_columns(current, schema)
    for table, ref_columns in sorted(ref_tables.items()):
        if table not in cur_tables:
            problems.append(f"{table}: missing")
            continue
        missing = [c for c in ref_columns if c not in cur_tables[table]]
        if missing:
            problems.append(f"{table}: columns missing: {', '.join(missing)}")
        common = [c for c in ref_columns if c in cur_tables[table] and c not in skip]
        ref_rows = mart_rows(reference, table, common, schema)
        cur_rows = mart_rows(current, table, common, schema)
        if ref_rows != cur_rows:
            only_ref = len(set(ref_rows) - set(cur_rows))
            only_cur = len(set(cur_rows) - set(ref_rows))
            differing = [
                column
                for index, column in enumerate(common)
                if sorted(map(repr, (row[index] for row in ref_rows)))
                != sorted(map(repr, (row[index] for row in cur_rows)))
            ]
            problems.append(
                f"{table}: {len(ref_rows)} vs {len(cur_rows)} rows, {only_ref} only in the reference, "
                f"{only_cur} only in the current build; columns that differ: {', '.join(differing) or '?'}"
            )
        else:
            if identical is not None:
                identical[table] = len(ref_rows)
            if quiet:
                continue
            added = [c for c in cur_tables[table] if c not in ref_columns]
            print(
                f"{table}: {len(ref_rows):,} rows identical on {len(common)} columns"
                + (f" (+ new: {', '.join(added)})" if added else "")
            )
    for table in sorted(set(cur_tables) - set(ref_tables)):
        if not quiet:
            print(f"{table}: new table")
    return problems


def dbt_build(project: Path, warehouse: Path, variables: str | None) -> None:
    dbt = Path(sys.executable).with_name("dbt")
    args = [str(dbt), "--quiet", "build", "--project-dir", str(project), "--profiles-dir", str(project),
            "--target-path", str(warehouse.parent / f"target-{warehouse.stem}"),
            "--log-path", str(warehouse.parent / f"logs-{warehouse.stem}")]  # fmt: skip
    if variables:
        args += ["--vars", variables]
    env = {**os.environ, "FEEDBACK_WAREHOUSE": str(warehouse)}
    subprocess.run(args, check=True, env=env, cwd=project)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", required=True, help="commit whose transforms/ are the reference")
    parser.add_argument("--scale", type=int, default=None, help="size of each generated demo account")
    parser.add_argument("--days", type=int, default=13)
    args = parser.parse_args(argv)

    from pipelines.demo import run_demo
    from pipelines.transform import dbt_vars
    from pipelines.warehouse import open_warehouse

    with tempfile.TemporaryDirectory(prefix="compare-marts-") as tmp:
        work = Path(tmp)
        raw = open_warehouse(work / "raw" / "warehouse.duckdb", "duckdb")
        summary = run_demo(raw, scale=args.scale, days=args.days)
        if not summary.ok:
            print(f"demo failed: {summary.transform_error or [load.error for load in summary.failed_loads]}")
            return 2
        worktree = work / "reference"
        subprocess.run(["git", "worktree", "add", "--detach", str(worktree), args.reference], check=True, cwd=REPO)
        try:
            copies = {}
            for name, project, variables in (
                # the registry's vendor list for both (a reference older than the var ignores it)
                ("reference", worktree / "transforms", dbt_vars()),
                ("current", REPO / "transforms", dbt_vars()),
            ):
                copy = work / f"build-{name}" / "warehouse.duckdb"
                copy.parent.mkdir()
                shutil.copy(raw.anchor, copy)
                dbt_build(project, copy, variables)
                copies[name] = copy
            problems = compare(copies["reference"], copies["current"])
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(worktree)], check=True, cwd=REPO)
    for problem in problems:
        print(f"DIFFERENT {problem}")
    print("identical" if not problems else f"{len(problems)} difference(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
