"""Many accounts of one vendor in one run: `n` Featurebase accounts (one API key and a small workspace each,
all on one stand-in process) loaded by one run of ours, against one account alone. Accounts load at once
(threads, pipelines/runner.py), so the run should cost far less than `n` runs one after another, in a process
that does not grow with `n` (each account's pipeline is released when it is done)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from benchmarks.contenders import measure_cli
from benchmarks.sandbox import Sandbox, Size


def many_accounts(n: int, size: Size, workdir: Path) -> dict[str, Any]:
    sandbox = Sandbox.featurebase(size, accounts=n)
    try:
        one = measure_cli([sandbox], workdir / "accounts-1.duckdb", keys=1)
        many = measure_cli([sandbox], workdir / f"accounts-{n}.duckdb", keys=n)
    finally:
        sandbox.stop()
    loaded = many["summary"]["accounts"]
    return {
        "accounts": n,
        "workspace": {"tickets": size.tickets, "posts": size.posts, "voters": size.voters},
        "records_per_account": sandbox.total_records,
        "records_all_accounts": sandbox.records_all_accounts,
        "one": one,
        "many": many,
        "accounts_loaded_ok": sum(1 for a in loaded.values() if a["ok"]),
        "wall_ratio": round(many["wall_s"] / one["wall_s"], 3),
        "rss_ratio": round(many["peak_rss_mb"] / one["peak_rss_mb"], 3),
    }
