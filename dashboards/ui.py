"""Page scaffolding shared by every page: the published file or a helpful empty state, and number formats."""

from __future__ import annotations

import math

import streamlit as st

from dashboards.data import DEMO_PUBLISHED, Published, published_file


def require_published(*tables: str, what: str = "this page") -> Published:
    """The published file with `tables` in it, or an explanation of what to run; stops the page otherwise.

    An empty warehouse is the first thing a new user sees, so it must read as a next step, not a stack trace.
    """
    published = Published.current()
    if published is None:
        path = published_file()
        st.info(
            f"Nothing published yet: no `{path}`.\n\n"
            "Load and publish first: `feedback-warehouse run` (with API keys), or `feedback-warehouse demo` for "
            "generated data, then reload this page.",
            icon=":material/inbox:",
        )
        if DEMO_PUBLISHED.resolve().exists() and DEMO_PUBLISHED.resolve() != path:
            st.info(
                f"A demo warehouse exists at `{DEMO_PUBLISHED}`: open it with "
                "`feedback-warehouse dashboard --warehouse data/demo/warehouse.duckdb`.",
                icon=":material/lightbulb:",
            )
        st.stop()
    missing = sorted(set(tables) - published.tables())
    if missing:
        st.info(
            f"`{published.path.name}` has no {', '.join(f'`{name}`' for name in missing)} yet, so {what} has "
            "nothing to show. It appears after the next `feedback-warehouse run` (or `transform`) that builds it.",
            icon=":material/inbox:",
        )
        st.stop()
    return published


def pick_sources(published: Published, table: str, key: str) -> tuple[str, list[object]]:
    """The sidebar's source filter (vendor / account): a SQL condition on `source_system || ' / ' ||
    source_account` and its parameters; an empty selection means every source."""
    from dashboards.data import in_list, source_label_sql

    options = published.query(f"select distinct {source_label_sql()} as source from {table} order by 1")
    chosen = st.sidebar.multiselect("Source (vendor / account)", options["source"].tolist(), key=key)
    return in_list(source_label_sql(), chosen)


def unique_labels(titles: list[str], keys: list[str], sources: list[str]) -> list[str]:
    """Labels that tell items apart: the title, and where two items share it, their source and a short key."""
    counts: dict[str, int] = {}
    for title in titles:
        counts[title] = counts.get(title, 0) + 1
    return [
        title if counts[title] == 1 else f"{title} ({source}, #{key[:6]})"
        for title, key, source in zip(titles, keys, sources, strict=True)
    ]


def fmt_int(value: float | int | None) -> str:
    return "–" if value is None or _isnan(value) else f"{int(round(value)):,}"


def fmt_pct(value: float | None, digits: int = 1) -> str:
    return "–" if value is None or _isnan(value) else f"{value:.{digits}f}%"


def fmt_money(value: float | None) -> str:
    return "–" if value is None or _isnan(value) else f"${value:,.0f}"


def fmt_minutes(value: float | None) -> str:
    """Durations as people say them: 45 min, 3.2 h, 2.5 d."""
    if value is None or _isnan(value):
        return "–"
    if value < 90:
        return f"{value:.0f} min"
    if value < 48 * 60:
        return f"{value / 60:.1f} h"
    return f"{value / 1440:.1f} d"


def _isnan(value: float | int) -> bool:
    try:
        return math.isnan(value)
    except TypeError:
        return False
