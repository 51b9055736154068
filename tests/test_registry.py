"""A vendor is its own folders plus one registry line: a minimal fake vendor (tests/fake_vendor) is added to a copy
of the repository that way, and then loads through `run`, shows in `status`, `check` and `sandbox`, and lands in
the unioned marts, with nothing else edited."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines.vendors import VENDOR_NAMES, registered

REPO = Path(__file__).resolve().parents[1]
FAKE = REPO / "tests" / "fake_vendor"
CLI = str(Path(sys.executable).with_name("feedback-warehouse"))

pytestmark = pytest.mark.slow


def test_every_registered_vendor_is_complete() -> None:
    """Each registry entry has its source, stand-in, staging folder, contract driver and independent truth."""
    for name, spec in registered().items():
        assert spec.source_factory() is not None and spec.credential_check() is not None
        assert spec.sandbox_vendor().name == name
        staging = REPO / "transforms" / "models" / "staging" / name
        for entity in spec.dbt_entities:
            assert (staging / f"stg_{name}__{entity}.sql").exists(), (name, entity)
        assert (REPO / "tests" / "vendors" / f"{name}.py").exists()
        assert (REPO / "tests" / "truth" / f"{name}.py").exists()


def _copy_repository(target: Path) -> None:
    files = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    for name in files.splitlines():
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def _changed_files(copy: Path) -> set[str]:
    changed = set()
    for path in copy.rglob("*"):
        if not path.is_file() or "__pycache__" in path.parts or ".dbt" in path.name or path.suffix == ".pyc":
            continue
        relative = path.relative_to(copy)
        original = REPO / relative
        if not original.exists() or original.read_bytes() != path.read_bytes():
            changed.add(str(relative))
    return changed


def test_a_new_vendor_is_its_folders_and_one_registry_line(tmp_path: Path) -> None:
    copy = tmp_path / "repo"
    _copy_repository(copy)
    shutil.copytree(FAKE / "sources", copy / "sources" / "fakevendor")
    shutil.copytree(FAKE / "sandbox", copy / "sandbox" / "fakevendor")
    shutil.copytree(FAKE / "staging", copy / "transforms" / "models" / "staging" / "fakevendor")
    registry = copy / "sources" / "registry.py"
    registry.write_text(registry.read_text().replace(")\n", '    "sources.fakevendor",\n)\n', 1))

    changed = _changed_files(copy)
    assert changed - {"sources/registry.py"} == {
        str(p.relative_to(copy))
        for folder in ("sources/fakevendor", "sandbox/fakevendor", "transforms/models/staging/fakevendor")
        for p in (copy / folder).rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert "sources/registry.py" in changed

    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SOURCES__", "FEEDBACK_WAREHOUSE", "DESTINATION__"))
    }
    env.update(PYTHONPATH=str(copy), PYTHONUNBUFFERED="1", COLUMNS="200")
    sandbox = subprocess.Popen(
        [CLI, "sandbox", "--port", "0", "--scale", "10"], env=env, cwd=copy, stdout=subprocess.PIPE, text=True
    )
    try:
        assert sandbox.stdout is not None
        urls: dict[str, str] = {}
        # a header line, then one line per served vendor (read exactly that many: never wait on more)
        lines = [sandbox.stdout.readline() for _ in range(len(VENDOR_NAMES) + 2)]
        for line in lines:
            found = re.match(r"\s+(\w+): (SOURCES__\w+__BASE_URL)=(\S+) (SOURCES__\w+__API_KEY)=(\S+)", line)
            if found:
                urls[found.group(1)] = line
                env[found.group(2)] = found.group(3)
                env[found.group(4)] = found.group(5)
        assert set(urls) == {*VENDOR_NAMES, "fakevendor"}, lines  # every registered vendor, the new one too
        run_env = {k: v for k, v in env.items() if not k.startswith("SOURCES__") or "FAKEVENDOR" in k}

        def cli(*args: str) -> subprocess.CompletedProcess:
            return subprocess.run([CLI, *args], env=run_env, cwd=copy, capture_output=True, text=True, timeout=600)

        check = cli("check")
        assert check.returncode == 0 and "fakevendor/default: ok" in check.stdout, check.stdout + check.stderr
        warehouse = tmp_path / "wh" / "warehouse.duckdb"
        run = cli("run", "--warehouse", str(warehouse))
        assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
        status = cli("status", "--warehouse", str(warehouse))
        assert status.returncode == 0 and "fakevendor" in status.stdout and "items" in status.stdout
    finally:
        sandbox.terminate()
        sandbox.wait(30)
    con = duckdb.connect(str(warehouse.with_name("analytics.duckdb")), read_only=True)
    try:
        items = con.execute("select count(*), sum(vote_count) from fct_feedback where source_system = 'fakevendor'")
        count, votes = items.fetchone()
        demand = con.execute("select count(*) from mart_feature_demand where source_system = 'fakevendor'").fetchone()
        baselines = con.execute(
            "select count(*) from fct_votes where source_system = 'fakevendor' and event_kind = 'baseline'"
        ).fetchone()
    finally:
        con.close()
    assert count == 10 and votes > 0 and demand == (10,) and baselines == (10,)
