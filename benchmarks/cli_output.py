"""Step timings read from what `feedback-warehouse run` prints (pipelines/console.py), the only place the CLI
exposes them today: the Accounts table (requests, rows, seconds per account), the `dbt: ...` line (what was
rebuilt and how long dbt took) and `Finished in X s` (the job: load + dbt + publish, without the process's own
start-up and exit).

The load step is the slowest account's seconds (accounts load at once, pipelines/runner.py); publish has no
figure of its own, so `other_s` = job - load - dbt is publish plus the build plan and the marts read-back. A
`--summary-json PATH` option on `run` writing `RunSummary.as_dict()` with the three step durations would replace
this parsing (see benchmarks/README.md).
"""

from __future__ import annotations

import re
from typing import Any

_ACCOUNT_ROW = re.compile(
    r"^│\s*(?P<label>[\w.-]+/[\w.-]+)\s*│\s*(?P<status>ok|failed)[^│]*│\s*(?P<requests>[\d,]+)\s*│"
    r"\s*(?P<rows>[\d,]+)\s*│\s*(?P<quarantined>[\d,]+)\s*│\s*(?P<seconds>[\d.]+)\s*│"
)
_DBT_SELECTIVE = re.compile(r"^dbt: rebuilt (?P<models>\d+) models downstream of .* in (?P<seconds>[\d.]+)s")
_DBT_FULL = re.compile(r"^dbt: full build, (?P<models>\d+) models in (?P<seconds>[\d.]+)s")
_FINISHED = re.compile(r"^Finished in (?P<seconds>[\d.]+)s")


def _number(text: str) -> int:
    return int(text.replace(",", ""))


def parse_run_output(stdout: str) -> dict[str, Any]:
    """The run's summary as numbers: per-account requests/rows/seconds, the dbt step, the job's duration."""
    accounts: dict[str, dict[str, Any]] = {}
    dbt: dict[str, Any] = {"kind": None, "models": 0, "seconds": 0.0}
    finished: float | None = None
    for line in stdout.splitlines():
        line = line.strip()
        if match := _ACCOUNT_ROW.match(line):
            accounts[match["label"]] = {
                "ok": match["status"] == "ok",
                "requests": _number(match["requests"]),
                "rows": _number(match["rows"]),
                "seconds": float(match["seconds"]),
            }
        elif line.startswith("dbt: nothing to rebuild"):
            dbt = {"kind": "none", "models": 0, "seconds": 0.0}
        elif match := _DBT_SELECTIVE.match(line):
            dbt = {"kind": "selective", "models": int(match["models"]), "seconds": float(match["seconds"])}
        elif match := _DBT_FULL.match(line):
            dbt = {"kind": "full", "models": int(match["models"]), "seconds": float(match["seconds"])}
        elif match := _FINISHED.match(line):
            finished = float(match["seconds"])
    load_s = max((a["seconds"] for a in accounts.values()), default=None)
    other_s = None
    if finished is not None and load_s is not None:
        other_s = round(max(0.0, finished - load_s - dbt["seconds"]), 2)
    return {
        "accounts": accounts,
        "load_s": load_s,
        "dbt": dbt,
        "job_s": finished,
        "other_s": other_s,
        "rows": sum(a["rows"] for a in accounts.values()),
    }
