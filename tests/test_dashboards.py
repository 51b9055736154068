"""Dashboards against a real demo warehouse: AppTest per page (numbers equal the marts), empty states, a load
running while the dashboard reads, and the pages in headless Debian chromium (Playwright, system browser)."""

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
from pipelines.demo import run_demo
from pipelines.jobs import refresh
from pipelines.warehouse import published_path
from sandbox.featurebase import generate_workspace
from tests.conftest import CLI, query, serve_workspace

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

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One small demo (backfill + 7 daily runs, transformed and published) shared by every dashboard test."""
    warehouse = tmp_path_factory.mktemp("dashboards") / "warehouse.duckdb"
    summary = run_demo(warehouse, tickets=120, days=7)
    assert summary.ok, (summary.transform_error, [load.error for load in summary.failed_loads])
    return warehouse


@pytest.fixture
def published(demo_warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = published_path(demo_warehouse)
    monkeypatch.setenv("FEEDBACK_PUBLISHED", str(path))
    return path


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


def fmt_pct(value: float) -> str:
    return f"{value:.1f}%"


def support_expectations(path: Path, start: dt.date, end: dt.date) -> dict[str, str]:
    opened, solved, positive, ratings, rated, requests = query(
        path,
        "select sum(tickets_opened), sum(tickets_solved), sum(csat_positive_ratings), sum(csat_ratings), "
        "sum(csat_requests_rated), sum(csat_requests) from mart_support_daily where date_day between ? and ?",
        [start, end],
    )[0]
    return {
        "Tickets opened": f"{opened:,}",
        "Tickets solved": f"{solved:,}",
        "CSAT": fmt_pct(100 * positive / ratings),
        "CSAT response rate": fmt_pct(100 * rated / requests),
    }


def test_support_page_metrics_equal_the_marts(published: Path) -> None:
    at = app_at()
    first, last = query(published, "select min(date_day), max(date_day) from mart_support_daily")[0]
    at.date_input(key="support_dates").set_value((first, last)).run()
    assert not at.exception, at.exception
    shown = metrics(at)
    for label, value in support_expectations(published, first, last).items():
        assert shown[label] == value, label
    open_now = query(published, "select count(*) from fct_tickets where status_category in ('open', 'pending')")[0][0]
    assert shown["Open or pending now"] == f"{open_now:,}"
    assert len(at.get("plotly_chart")) == 7
    low = query(published, "select count(*) from fct_csat where score <= 2")[0][0]
    assert len(at.dataframe) == (2 if low else 1)


def test_support_filters_by_source_category_and_status(published: Path) -> None:
    at = app_at()
    first, last = query(published, "select min(date_day), max(date_day) from mart_support_daily")[0]
    at.date_input(key="support_dates").set_value((first, last))
    at.multiselect(key="support_sources").set_value(["featurebase / default"])
    category = query(published, "select category_name from fct_tickets group by 1 order by count(*) desc limit 1")[0][0]
    at.multiselect(key="support_categories").set_value([category])
    at.multiselect(key="support_statuses").set_value(["solved"])
    at.run()
    assert not at.exception, at.exception
    expected = query(
        published,
        "select count(*) from fct_tickets where category_name = ? and status_category = 'solved'",
        [category],
    )[0][0]
    assert metrics(at)["Tickets opened"] == f"{expected:,}"


def test_feedback_page_metrics_equal_the_marts(published: Path) -> None:
    at = app_at("pages/feedback.py")
    items, votes, mrr, last_7d = query(
        published,
        "select count(*), sum(vote_count), sum(voter_mrr), sum(votes_last_7d) from mart_feature_demand "
        "where not is_deleted",
    )[0]
    shown = metrics(at)
    assert shown["Items"] == f"{items:,}"
    assert shown["Votes"] == f"{votes:,}"
    assert shown["MRR behind votes"] == f"${mrr:,.0f}"
    assert shown["Net votes, last 7 days"] == f"{int(last_7d):,}"
    top_title = query(
        published,
        "select title from mart_feature_demand where not is_deleted "
        "order by vote_count desc, voter_mrr desc nulls last, title limit 1",
    )[0][0]
    top_table = at.dataframe[0].value
    assert top_table.iloc[0]["title"] == top_title
    assert len(at.get("plotly_chart")) >= 4


def test_data_health_page_shows_last_loads_and_quarantine(published: Path) -> None:
    at = app_at("pages/data_health.py")
    last, quarantined = query(
        published,
        "select (select max(loaded_at) from mart_load_runs where is_success and source_system = 'featurebase'), "
        "(select count(*) from fct_quarantine)",
    )[0]
    shown = metrics(at)
    assert shown["featurebase: last successful load"] == f"{last.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC"
    assert shown["Quarantined records"] == f"{quarantined:,}"
    assert not at.warning  # loaded minutes ago: fresh under the 2 h default
    tables = at.dataframe[0].value
    assert {"tickets", "posts"} <= set(tables["table_name"])
    # with a threshold shorter than the time since the last load, the vendor is flagged as stale
    os.environ["FEEDBACK_FRESHNESS_HOURS"] = "0.0001"
    try:
        at = app_at("pages/data_health.py")
    finally:
        del os.environ["FEEDBACK_FRESHNESS_HOURS"]
    assert "featurebase" in at.warning[0].value and "older than" in at.warning[0].value


def test_empty_warehouse_shows_an_empty_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FEEDBACK_PUBLISHED", str(tmp_path / "analytics.duckdb"))
    for page in (None, "pages/feedback.py", "pages/data_health.py"):
        at = app_at(page)
        assert "Nothing published yet" in at.info[0].value
    # a published file without the feedback marts (feedback not loaded yet): the page says so
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


def test_pages_render_in_headless_chromium(published: Path, dashboard_url: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    assert Path(CHROMIUM).exists(), "Debian chromium is missing: `make test` installs it (apt-get install chromium)"

    last = query(published, "select max(date_day) from mart_support_daily")[0][0]
    first = query(published, "select min(date_day) from mart_support_daily")[0][0]
    expected_support = support_expectations(published, max(first, last - dt.timedelta(days=89)), last)
    items = query(published, "select count(*) from mart_feature_demand where not is_deleted")[0][0]
    pages = {
        "support": ("", expected_support, 7),
        "feedback": ("feedback", {"Items": f"{items:,}"}, 4),
        "data_health": ("data_health", {"Quarantined records": "0"}, 1),
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
                height = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
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


def test_load_while_dashboard_reads_has_no_lock_error(published: Path, demo_warehouse: Path) -> None:
    """A second account loads, builds and publishes into the same files while the dashboard keeps querying."""
    errors: list[BaseException] = []
    renders = 0
    stop = threading.Event()

    def keep_reading() -> None:
        nonlocal renders
        while not stop.is_set():
            try:
                for page in (None, "pages/feedback.py", "pages/data_health.py"):
                    app_at(page)
                    renders += 1
            except BaseException as exc:  # noqa: BLE001 - any failure of a reader fails the test
                errors.append(exc)
                return

    reader = threading.Thread(target=keep_reading, daemon=True)
    reader.start()
    mtime_before = published.stat().st_mtime_ns
    workspace = generate_workspace(seed=11, tickets=30, org_id="second")
    with serve_workspace(workspace, key="fb_second") as second:
        summary = refresh([Account("featurebase", "second", second.url, "fb_second")], demo_warehouse)
    stop.set()
    reader.join(timeout=120)
    assert summary.ok, (summary.transform_error, [load.error for load in summary.failed_loads])
    assert not errors, errors
    assert renders >= 1
    assert published.stat().st_mtime_ns != mtime_before
    at = app_at()
    assert "featurebase / second" in at.multiselect(key="support_sources").options
