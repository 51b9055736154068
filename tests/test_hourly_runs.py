"""An hourly run with several vendors: accounts extract at once (a slow vendor never holds back a fast one), and
the dbt work follows what was loaded (nothing, or only the changed vendor's downstream models)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from pipelines import jobs
from pipelines.runner import load_accounts
from pipelines.warehouse import Warehouse
from tests.conftest import query
from tests.support.sandboxes import Sandbox, serve
from tests.support.warehouses import raw_query
from tests.vendors.base import VendorDriver, driver

SLOW_SECONDS = 1.5


@pytest.fixture
def two_vendors() -> Iterator[tuple[Sandbox, Sandbox]]:
    """Featurebase serving two accounts and FeedbackKit serving one, each on its own port."""
    fb, fk = driver("featurebase"), driver("feedbackkit")
    with ExitStack() as stack:
        featurebase = stack.enter_context(
            serve("featurebase", {key: fb.generate(3 + i, f"org_{i}") for i, key in enumerate(fb.keys)})
        )
        feedbackkit = stack.enter_context(serve("feedbackkit", {fk.keys[0]: fk.generate(5, "proj_a")}))
        yield featurebase, feedbackkit


def _requests_by_key(sandbox: Sandbox) -> dict[str, list[float]]:
    """Arrival times of each API key's requests (the in-process log; the control API never shows keys)."""
    times: dict[str, list[float]] = {}
    for at, _route, _status, key in list(sandbox.app.request_log):
        times.setdefault(key, []).append(at)
    return times


def test_a_slow_vendors_accounts_and_a_fast_vendor_extract_at_once(
    two_vendors: tuple[Sandbox, Sandbox], warehouse: Warehouse
) -> None:
    featurebase, feedbackkit = two_vendors
    fb = driver("featurebase")
    for key in fb.keys:  # every Featurebase account's ticket list answers late: a slow vendor
        featurebase.app.faults.inject("delay", endpoint="GET /v2/tickets", delay=SLOW_SECONDS, api_key=key)
    accounts = [featurebase.account("default", fb.keys[0]), featurebase.account("acme", fb.keys[1])]
    accounts.append(feedbackkit.account())

    results = load_accounts(accounts, warehouse, concurrency=3)

    assert all(result.ok for result in results), [result.error for result in results]
    slow = _requests_by_key(featurebase)
    fast = _requests_by_key(feedbackkit)[feedbackkit.key]
    spans = [(min(times), max(times)) for times in slow.values()]
    assert len(spans) == 2
    (first_a, last_a), (first_b, last_b) = spans
    assert first_a < last_b and first_b < last_a, spans  # the two slow accounts' extractions overlapped
    # the fast vendor was read while both slow accounts were still waiting on their delayed lists
    assert max(fast) < min(last_a, last_b), (fast, spans)
    fk: VendorDriver = driver("feedbackkit")
    assert fk.raw_loaded(warehouse, "default") == fk.raw_truth(feedbackkit.workspace)
    for name, key in (("default", fb.keys[0]), ("acme", fb.keys[1])):
        assert raw_query(warehouse, "select count(*) from featurebase.tickets where source_account = ?", [name]) == [
            (len(featurebase.workspaces[key].truth()["tickets"]),)
        ]


def _run_results(warehouse: Warehouse) -> dict[str, Any]:
    return json.loads((warehouse.build_dir / "target" / "run_results.json").read_text())


def _models(results: dict[str, Any]) -> set[str]:
    return {r["unique_id"].split(".")[-1] for r in results["results"] if r["unique_id"].startswith("model.")}


def test_an_hourly_run_rebuilds_nothing_or_only_what_the_changed_vendor_feeds(
    two_vendors: tuple[Sandbox, Sandbox], warehouse: Warehouse
) -> None:
    featurebase, feedbackkit = two_vendors
    accounts = [featurebase.account(), feedbackkit.account()]
    first = jobs.refresh(accounts, warehouse)
    assert first.build["kind"] == "full" and not first.transform_error, first.transform_error
    full = _models(_run_results(warehouse))
    assert {"stg_featurebase__tickets", "stg_feedbackkit__feedback", "fct_feedback", "fct_tickets"} <= full
    results_file = warehouse.build_dir / "target" / "run_results.json"
    stamp = results_file.stat().st_mtime_ns

    quiet = jobs.refresh(accounts, warehouse)  # nothing changed at either vendor

    assert [load.rows for load in quiet.loads] == [{}, {}]
    assert quiet.build["kind"] == "none" and quiet.build["models"] == 0
    assert results_file.stat().st_mtime_ns == stamp  # dbt did not run at all
    assert Path(quiet.published).exists() and quiet.marts == first.marts

    driver("feedbackkit").mutate(feedbackkit.workspace, seed=11)  # only FeedbackKit changes
    changed = jobs.refresh(accounts, warehouse)

    assert changed.build["kind"] == "selective" and changed.build["vendors"] == ["feedbackkit"]
    rebuilt = _models(_run_results(warehouse))
    assert {"stg_feedbackkit__feedback", "stg_feedbackkit__vote_observations", "fct_feedback", "fct_votes"} <= rebuilt
    assert not {model for model in rebuilt if "featurebase" in model}  # the unchanged vendor's models stay
    # the shared unions and the marts downstream of them are rebuilt (they read every vendor's staging)
    assert len(rebuilt) < len(full)
    truth = driver("feedbackkit").truth_feedback(feedbackkit.workspace, "default")
    live = "select count(*) from fct_feedback where source_system = 'feedbackkit' and not is_deleted"
    assert query(Path(changed.published), live) == [(len(truth),)]  # the published marts hold the change
