"""Measured child processes: every contender runs in its own process, so its wall time and peak RSS are its
own (`os.wait4` rusage: nothing of the driver leaks in, and every contender pays its own imports)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CLI = str(Path(PYTHON).with_name("feedback-warehouse"))


@dataclass
class ChildRun:
    wall_s: float
    peak_rss_mb: float
    returncode: int
    stdout: str
    stderr_tail: str
    timed_out: bool = False


def run_child(cmd: list[str], env: dict[str, str] | None = None, timeout: float | None = None) -> ChildRun:
    """Run `cmd`, return its wall time and its own peak RSS (ru_maxrss of exactly this child, via wait4).

    Output goes to files, not pipes: a chatty child never blocks on a full pipe while we wait for it.
    """
    out_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-{os.getpid()}-{time.monotonic_ns()}"
    with open(f"{out_path}.out", "wb") as out, open(f"{out_path}.err", "wb") as err:
        started = time.monotonic()
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        timed_out = threading.Event()

        def stop() -> None:
            timed_out.set()
            os.kill(proc.pid, signal.SIGTERM)

        timer = threading.Timer(timeout, stop) if timeout else None
        if timer:
            timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.monotonic() - started
        if timer:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
    stdout = Path(f"{out_path}.out").read_text(errors="replace")
    stderr = Path(f"{out_path}.err").read_text(errors="replace")
    for suffix in (".out", ".err"):
        Path(f"{out_path}{suffix}").unlink(missing_ok=True)
    return ChildRun(
        wall_s=round(wall, 3),
        peak_rss_mb=round(usage.ru_maxrss / 1024, 1),  # Linux: kilobytes
        returncode=proc.returncode,
        stdout=stdout,
        stderr_tail="\n".join(stderr.strip().splitlines()[-15:]),
        timed_out=timed_out.is_set(),
    )


def clean_env() -> dict[str, str]:
    """The driver's environment without any vendor account or warehouse setting: each contender gets exactly
    the accounts the benchmark configures, never the user's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOURCES__") and k != "FEEDBACK_WAREHOUSE"}
    env["RUNTIME__DLTHUB_TELEMETRY"] = "false"
    # as installed: bytecode caches on (an environment that turns them off recompiles every module per run)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def table_rows(db: Path) -> dict[str, int]:
    """Rows per table in a contender's DuckDB file (sanity: every contender really loaded the data)."""
    import duckdb

    if not db.exists():
        return {}
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_type = 'BASE TABLE' and table_name not like '\\_dlt%' escape '\\'"
        ).fetchall()
        return {
            f"{schema}.{name}": con.execute(f'select count(*) from "{schema}"."{name}"').fetchone()[0]
            for schema, name in tables
        }
    finally:
        con.close()
