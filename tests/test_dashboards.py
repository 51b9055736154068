"""Dashboards against the session's demo (every registered vendor loaded): AppTest per page with numbers equal
to the marts (items by key, never by title), the source filter with several sources, empty states, a load
running while the dashboard reads, and every page in headless Debian chromium (Playwright, system browser)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import httpx
import pytest
from streamlit.testing.v1 import AppTest

from pipelines.accounts import Account
from pipelines.jobs import refresh
from pipelines.warehouse import open_warehouse
from sandbox.featurebase import generate_workspace
from tests.conftest import CLI, DemoRun, query
from tests.support.sandboxes import serve

APP = str(Path(__file__).resolve().parents[1] / "dashboards" / "app.py")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PAGES = (None, "pages/feedback.py", "pages/roadmap.py", "pages/data_health.py")

pytestmark = pytest.mark.slow


@pytest.fixture
def published(demo_run: DemoRun, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("FEEDBACK_PUBLISHED", str(demo_run.published))
    return demo_run.published


def app_at(page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    assert not at.exception, at.exception
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


def fmt_pct(numerator: float | None, denominator: float | None) -> str:
    return f"{100 * numerator / denominator:.1f}%" if denominator else "–"


def support_expectations(path: Path, start: dt.date, end: dt.date, sources: list[str] | None = None) -> dict[str, str]:
    where = "date_day between ? and ?"
    params: list[object] = [start, end]
    if sources:
        where += f" and source_system || ' / ' || source_account in ({', '.join('?' for _ in sources)})"
        params += sources
    opened, solved, positive, ratings, rated, requests = query(
        path,
        "select sum(tickets_opened), sum(tickets_solved), sum(csat_positive_ratings), sum(csat_ratings), "
        f"sum(csat_requests_rated), sum(csat_requests) from mart_support_daily where {where}",
        params,
    )[0]
    days = (end - start).days + 1
    return {
        "Tickets opened": f"{opened:,}",
        "Tickets solved": f"{solved:,}",
        f"CSAT ({days} days)": fmt_pct(positive, ratings),
        f"CSAT response rate ({days} days)": fmt_pct(rated, requests),
    }


def test_support_page_metrics_equal_the_marts(published: Path) -> None:
    at = app_at()
    first, last = query(published, "select min(date_day), max(date_day) from mart_support_daily")[0]
    at.date_input(key="support_dates").set_value((first, last)).run()
    assert not at.exception, at.exception
    shown = metrics(at)
    for label, value in support_expectations(published, first, last).items():
        assert shown[label] == value, label
    open_now = query(
        published, "select count(*) from fct_tickets where status_category in ('open', 'pending') and not is_deleted"
    )[0][0]
    assert shown["Open or pending now"] == f"{open_now:,}"
    assert len(at.get("plotly_chart")) == 7
    # CSAT by agent names the people credited with ratings, not vendor ids
    agents = at.dataframe[0].value
    named = query(
        published, "select count(distinct agent_name) from fct_csat where is_rated and agent_name is not null"
    )
    assert named[0][0] > 0 and agents["agent"].str.contains("<").all()


def test_support_filters_by_source_category_and_status(published: Path) -> None:
    at = app_at()
    sources = at.multiselect(key="support_sources").options
    assert len(sources) >= 2  # every ticketing vendor of the demo is a source
    first, last = query(published, "select min(date_day), max(date_day) from mart_support_daily")[0]
    chosen = sources[1]
    at.date_input(key="support_dates").set_value((first, last))
    at.multiselect(key="support_sources").set_value([chosen]).run()
    assert not at.exception, at.exception
    shown = metrics(at)
    for label, value in support_expectations(published, first, last, [chosen]).items():
        assert shown[label] == value, label
    category = query(
        published,
        "select category_name from fct_tickets where source_system || ' / ' || source_account = ? "
        "group by 1 order by count(*) desc limit 1",
        [chosen],
    )[0][0]
    at.multiselect(key="support_categories").set_value([category or "(none)"])
    at.multiselect(key="support_statuses").set_value(["solved"])
    at.run()
    assert not at.exception, at.exception
    expected = query(
        published,
        "select count(*) from fct_tickets where source_system || ' / ' || source_account = ? "
        "and coalesce(category_name, '(none)') = ? and status_category = 'solved' and not is_deleted",
        [chosen, category or "(none)"],
    )[0][0]
    assert metrics(at)["Tickets opened"] == f"{expected:,}"


def test_feedback_page_ranks_items_by_key_and_labels_duplicate_titles(published: Path) -> None:
    at = app_at("pages/feedback.py")
    items, votes, mrr, last_7d = query(
        published,
        "select count(*), sum(vote_count), sum(voter_mrr), sum(votes_last_7d) from mart_feature_demand",
    )[0]
    shown = metrics(at)
    assert shown["Items"] == f"{items:,}"
    assert shown["Votes"] == f"{votes:,}"
    assert shown["MRR behind votes"] == f"${mrr:,.0f}"
    assert shown["Net votes, last 7 days"] == f"{int(last_7d):,}"
    top_n = 15
    expected = query(
        published,
        "select feedback_key, title from mart_feature_demand "
        f"order by vote_count desc, voter_mrr desc nulls last, title limit {top_n}",
    )
    top_table = at.dataframe[0].value
    assert list(top_table["title"]) == [title for _, title in expected]
    # every ranked item can be picked in "votes over time", even two with the same title
    options = at.multiselect(key="feedback_items").options
    assert len(options) == len(expected) == len(set(options))
    duplicates = query(published, "select title from mart_feature_demand group by title having count(*) > 1 limit 1")
    assert duplicates, "the demo's boards have items sharing a title (the hard case this page must handle)"
    at.slider(key="feedback_top_n").set_value(50).run()
    labels = at.multiselect(key="feedback_items").options
    assert len(labels) == len(set(labels))
    chosen = at.multiselect(key="feedback_items").value
    assert len(chosen) == 5 and len(at.get("plotly_chart")) >= 4


def test_roadmap_page_shows_what_shipped_and_the_demand_behind_it(published: Path) -> None:
    at = app_at("pages/roadmap.py")
    count, shipped, votes = query(
        published,
        "select count(distinct item_kind || item_id), count(distinct item_kind || item_id) filter (where is_shipped), "
        "sum(feedback_vote_count) filter (where is_shipped) from fct_roadmap_items where not is_deleted",
    )[0]
    shown = metrics(at)
    if count:
        assert shown["Roadmap items and updates"] == f"{count:,}"
        assert shown["Shipped"] == f"{shipped:,}" and shown["Votes behind what shipped"] == f"{int(votes or 0):,}"
    else:
        assert "No roadmap items" in at.info[0].value


def test_data_health_page_shows_every_source_its_loads_and_warnings(published: Path) -> None:
    at = app_at("pages/data_health.py")
    sources = query(
        published,
        "select source_system || ' / ' || source_account, max(loaded_at) from mart_load_runs "
        "where is_success and source_account is not null group by 1",
    )
    quarantined = query(published, "select count(*) from fct_quarantine")[0][0]
    shown = metrics(at)
    for source, last in sources:
        assert shown[f"{source}: last successful load"] == f"{last.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC"
    assert shown["Quarantined records"] == f"{quarantined:,}"
    assert shown["dbt warnings in the last build"] == "0"
    tables = at.dataframe[0].value
    assert {"tickets", "posts"} <= set(tables["table_name"])
    # with a threshold shorter than the time since the last load, every source is flagged as stale
    os.environ["FEEDBACK_FRESHNESS_HOURS"] = "0.0001"
    try:
        at = app_at("pages/data_health.py")
    finally:
        del os.environ["FEEDBACK_FRESHNESS_HOURS"]
    assert len(at.warning) == len(sources) and all("older than" in w.value for w in at.warning)


def test_empty_warehouse_shows_an_empty_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FEEDBACK_PUBLISHED", str(tmp_path / "analytics.duckdb"))
    for page in PAGES:
        at = app_at(page)
        assert "Nothing published yet" in at.info[0].value
    # a published file without the feedback marts (an older publish): the page says what is missing
    duckdb.connect(str(tmp_path / "analytics.duckdb")).close()
    at = app_at("pages/feedback.py")
    assert "mart_feature_demand" in at.info[0].value


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def dashboard_url(published: Path) -> Iterator[str]:
    """`feedback-warehouse dashboard` on a free port; yields its URL once Streamlit answers."""
    port = free_port()
    process = subprocess.Popen(
        [CLI, "dashboard", "--published", str(published), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/_stcore/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        else:
            pytest.fail("dashboard did not start")
        yield url
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    assert f"Dashboards on {url}" in output


def test_every_page_renders_in_headless_chromium(published: Path, dashboard_url: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    assert Path(CHROMIUM).exists(), "Debian chromium is missing: `make test` installs it (apt-get install chromium)"

    last = query(published, "select max(date_day) from mart_support_daily")[0][0]
    first = query(published, "select min(date_day) from mart_support_daily")[0][0]
    expected_support = support_expectations(published, max(first, last - dt.timedelta(days=89)), last)
    items = query(published, "select count(*) from mart_feature_demand")[0][0]
    roadmap = query(
        published, "select count(distinct item_kind || item_id) from fct_roadmap_items where not is_deleted"
    )
    sources = query(published, "select count(distinct source_system) from mart_load_runs")[0][0]
    pages = {
        "support": ("", expected_support, 7),
        "feedback": ("feedback", {"Items": f"{items:,}"}, 4),
        "roadmap": ("roadmap", {"Roadmap items and updates": f"{roadmap[0][0]:,}"} if roadmap[0][0] else {}, 1),
        "data_health": ("data_health", {"dbt warnings in the last build": "0"}, 1),
    }
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1440, "height": 900},
        )
        try:
            page = browser.new_page()
            for name, (path, numbers, charts) in pages.items():
                page.goto(f"{dashboard_url}/{path}")
                for label, value in numbers.items():
                    label_element = page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
                    metric = page.get_by_test_id("stMetric").filter(has=label_element)
                    expect(metric.get_by_test_id("stMetricValue")).to_have_text(value, timeout=60_000)
                plots = page.locator(".js-plotly-plot .main-svg")
                expect(plots.nth(charts - 1)).to_be_visible(timeout=60_000)
                assert page.locator(".js-plotly-plot").count() >= charts
                assert page.get_by_test_id("stException").count() == 0
                height = page.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
                page.set_viewport_size({"width": 1440, "height": min(max(height + 100, 900), 8000)})
                page.wait_for_timeout(800)  # plotly relayout after the resize
                page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
                page.set_viewport_size({"width": 1440, "height": 900})
        finally:
            browser.close()
    shots = os.environ.get("DASHBOARD_SCREENSHOTS")
    if shots:  # for a human look: DASHBOARD_SCREENSHOTS=/tmp/shots pytest tests/test_dashboards.py
        shutil.copytree(tmp_path, shots, dirs_exist_ok=True, ignore=shutil.ignore_patterns("profile"))
    assert all((tmp_path / f"{name}.png").stat().st_size > 10_000 for name in pages)
    assert sources >= 1


def test_load_while_dashboard_reads_has_no_lock_error(demo_run: DemoRun, tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    """A second account loads, builds and publishes into a copy of the demo's files while the dashboard keeps
    reading them (the session's demo itself is never changed by a test)."""
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(demo_run.warehouse, copy)
    shutil.copytree(demo_run.warehouse.with_name(".warehouse.dlt"), tmp_path / ".warehouse.dlt")
    shutil.copy(demo_run.published, tmp_path / "analytics.duckdb")
    warehouse = open_warehouse(copy, "duckdb")
    monkeypatch.setenv("FEEDBACK_PUBLISHED", str(warehouse.published_path))
    errors: list[BaseException] = []
    renders = 0
    stop = threading.Event()

    def keep_reading() -> None:
        nonlocal renders
        while not stop.is_set():
            try:
                for page in PAGES:
                    app_at(page)
                    renders += 1
            except BaseException as exc:  # noqa: BLE001 - any failure of a reader fails the test
                errors.append(exc)
                return

    reader = threading.Thread(target=keep_reading, daemon=True)
    reader.start()
    mtime_before = warehouse.published_path.stat().st_mtime_ns
    workspace = generate_workspace(seed=11, tickets=30, org_id="second")
    with serve("featurebase", {"fb_second": workspace}) as second:
        summary = refresh([Account("featurebase", "second", second.base_url, "fb_second")], warehouse)
    stop.set()
    reader.join(timeout=120)
    assert summary.ok, (summary.transform_error, [load.error for load in summary.failed_loads])
    assert not errors, errors
    assert renders >= 1
    assert warehouse.published_path.stat().st_mtime_ns != mtime_before
    at = app_at()
    assert "featurebase / second" in at.multiselect(key="support_sources").options
