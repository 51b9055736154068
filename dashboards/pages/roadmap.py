"""Roadmap: what was shipped (or is planned), and for how many voters and how much MRR: the roadmap items and
published updates of the vendors that have them, each with the demand behind the feedback it addresses."""

from __future__ import annotations

import streamlit as st

from dashboards import charts
from dashboards.data import source_label_sql
from dashboards.ui import fmt_int, fmt_money, pick_sources, require_published

st.title("Roadmap")
published = require_published("fct_roadmap_items", what="the roadmap page")

source_filter, source_params = pick_sources(published, "fct_roadmap_items", key="roadmap_sources")
shipped_only = st.sidebar.toggle("Shipped only", value=False, key="roadmap_shipped")
where = f"not is_deleted and {source_filter}" + (" and is_shipped" if shipped_only else "")

items = published.query(
    f"""
    select
        item_kind,
        item_id,
        title,
        status,
        is_shipped,
        shipped_at,
        {source_label_sql()} as source,
        count(feedback_key) as feedback_items,
        sum(feedback_vote_count) as votes,
        sum(feedback_unique_voters) as voters,
        sum(feedback_mrr) as mrr
    from fct_roadmap_items
    where {where}
    group by item_kind, item_id, title, status, is_shipped, shipped_at, source_system, source_account
    order by votes desc nulls last, title
    """,
    source_params,
)
if items.empty:
    st.info(
        "No roadmap items or updates published yet: only vendors with a roadmap report them.",
        icon=":material/inbox:",
    )
    st.stop()

shipped = items[items["is_shipped"]]
row = st.columns(4)
row[0].metric("Roadmap items and updates", fmt_int(len(items)))
row[1].metric("Shipped", fmt_int(len(shipped)))
row[2].metric("Votes behind what shipped", fmt_int(shipped["votes"].sum()))
row[3].metric(
    "MRR behind what shipped",
    fmt_money(shipped["mrr"].sum() if shipped["mrr"].notna().any() else None),
    help="Where the vendor reports the MRR behind a request; empty when none does",
)

st.subheader("Demand behind each item")
items["label"] = items["item_kind"] + ": " + items["title"]
st.plotly_chart(
    charts.hbar(items.head(25), "votes", "label", x_title="Votes of the feedback it addresses", hover=["status"]),
    width="stretch",
    key="roadmap_votes",
)
st.dataframe(
    items.drop(columns=["label"]),
    hide_index=True,
    width="stretch",
    column_config={
        "item_kind": "Kind",
        "item_id": "Id",
        "title": st.column_config.TextColumn("Item", width="medium"),
        "status": "Status",
        "is_shipped": "Shipped",
        "shipped_at": st.column_config.DatetimeColumn("Shipped (UTC)", format="YYYY-MM-DD"),
        "source": "Source",
        "feedback_items": st.column_config.NumberColumn("Feedback", format="%d"),
        "votes": st.column_config.NumberColumn("Votes", format="%d"),
        "voters": st.column_config.NumberColumn("Voters", format="%d"),
        "mrr": st.column_config.NumberColumn("MRR", format="dollar"),
    },
)
