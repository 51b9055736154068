"""Data health, per vendor and account: is the data fresh, did the runs load rows, what was quarantined (and why),
and did the last build warn about anything (an unmapped status, an unknown author type)."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboards import charts
from dashboards.data import freshness_hours
from dashboards.ui import fmt_int, require_published

st.title("Data health")
published = require_published("mart_load_runs", "fct_quarantine", what="the data health page")

with st.sidebar:
    threshold = st.number_input(
        "Freshness threshold (hours)",
        min_value=0.0,
        value=freshness_hours(),
        step=0.25,
        help="Warn when the last successful load is older than this (FEEDBACK_FRESHNESS_HOURS, default 2 = twice "
        "the hourly schedule).",
        key="health_threshold",
    )

now = dt.datetime.now(dt.UTC)
published_age = now - dt.datetime.fromtimestamp(published.version / 1e9, dt.UTC)
st.caption(f"Published file written {published_age.total_seconds() / 60:,.0f} min ago.")

# load_freshness is rewritten by every run, also one that found nothing new (and so rebuilt no mart)
freshness_table = "load_freshness" if published.has("load_freshness") else None
vendors = published.query(
    """
    select
        source_system || ' / ' || source_account as source,
        last_success_at,
        successful_runs as successful_loads,
        0 as failed_loads
    from load_freshness
    order by source_system, source_account
    """
    if freshness_table
    else """
    select
        source_system || ' / ' || source_account as source,
        max(loaded_at) filter (where is_success) as last_success_at,
        count(distinct load_id) filter (where is_success) as successful_loads,
        count(distinct load_id) filter (where not is_success) as failed_loads
    from mart_load_runs
    where source_account is not null
    group by source_system, source_account
    order by source_system, source_account
    """
)
if vendors.empty:
    st.info("No loads recorded yet: run `feedback-warehouse run` (or `demo`).", icon=":material/inbox:")
else:
    vendors["age_hours"] = [
        (now - ts).total_seconds() / 3600 if ts is not None else None for ts in vendors["last_success_at"]
    ]
    stale = vendors[vendors["age_hours"].isna() | (vendors["age_hours"] > threshold)]
    if stale.empty:
        st.success(f"All vendors loaded successfully within the last {threshold:g} h.", icon=":material/check:")
    for item in stale.itertuples():
        age = "never" if item.age_hours != item.age_hours else f"{item.age_hours:,.1f} h ago"
        st.warning(
            f"**{item.source}**: last successful load {age}, older than the {threshold:g} h threshold.",
            icon=":material/schedule:",
        )
    cols = st.columns(min(len(vendors), 4))
    for index, item in enumerate(vendors.itertuples()):
        cols[index % len(cols)].metric(
            f"{item.source}: last successful load",
            f"{item.last_success_at:%Y-%m-%d %H:%M} UTC" if item.last_success_at is not None else "never",
            help=f"{item.successful_loads} successful, {item.failed_loads} failed loads",
        )

st.subheader("Last successful load per table")
tables = published.query(
    """
    select
        source_system,
        source_account,
        table_name,
        max(loaded_at) as last_loaded_at,
        count(distinct load_id) as loads_with_rows,
        sum(rows_loaded) as rows_loaded
    from mart_load_runs
    where is_success and table_name is not null
    group by source_system, source_account, table_name
    order by source_system, source_account, table_name
    """
)
st.dataframe(
    tables,
    hide_index=True,
    width="stretch",
    column_config={
        "source_system": "Vendor",
        "source_account": "Account",
        "table_name": "Table",
        "last_loaded_at": st.column_config.DatetimeColumn("Last load with rows (UTC)", format="YYYY-MM-DD HH:mm"),
        "loads_with_rows": st.column_config.NumberColumn("Loads", format="%d"),
        "rows_loaded": st.column_config.NumberColumn("Rows (current)", format="localized"),
    },
)

st.subheader("Rows loaded per run")
runs = published.query(
    """
    select
        source_system || '/' || source_account || ' · ' || strftime(loaded_at, '%m-%d %H:%M:%S') as run,
        loaded_at,
        coalesce(table_name, '(no rows)') as table_name,
        rows_loaded
    from mart_load_runs
    where is_success and source_account is not null
    order by loaded_at, table_name
    """
)
if not runs.empty:
    st.plotly_chart(
        charts.bars(runs, "run", "rows_loaded", x_title="Load (UTC)", y_title="Rows", color="table_name").update_layout(
            barmode="stack", legend_title_text=None
        ),
        width="stretch",
        key="rows_per_run",
    )
    st.caption("Rows of each table whose current version was written by that load (merged rows count once).")

st.subheader("Quarantined records")
quarantine = published.query(
    """
    select source_system, source_account, endpoint, reason, record_id, quarantined_at, payload
    from fct_quarantine
    order by quarantined_at desc
    """
)
st.metric("Quarantined records", fmt_int(len(quarantine)))
if quarantine.empty:
    st.caption("Nothing quarantined: every record loaded.")
else:
    reasons = quarantine.groupby(["source_system", "endpoint", "reason"], as_index=False).size()
    st.dataframe(reasons.rename(columns={"size": "records"}), hide_index=True, width="stretch")
    st.dataframe(
        quarantine,
        hide_index=True,
        width="stretch",
        column_config={
            "quarantined_at": st.column_config.DatetimeColumn("Quarantined (UTC)", format="YYYY-MM-DD HH:mm"),
            "payload": st.column_config.TextColumn("Payload", width="large"),
        },
    )

st.subheader("Build warnings")
if published.has("build_warnings"):
    warnings = published.query("select test_id, message, built_at from build_warnings order by test_id")
    st.metric("dbt warnings in the last build", fmt_int(len(warnings)))
    if warnings.empty:
        st.caption("The last build had no warnings.")
    else:
        st.warning(
            "The last build warned: usually a status or author type no mapping seed knows yet (it counts as open "
            "or system until mapped in transforms/seeds/).",
            icon=":material/warning:",
        )
        st.dataframe(warnings, hide_index=True, width="stretch")
else:
    st.caption("This published file predates build warnings.")
