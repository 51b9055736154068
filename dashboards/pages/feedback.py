"""Feedback: what customers ask for (votes, voters, MRR behind them), how demand moves, where items stand."""

from __future__ import annotations

import streamlit as st

from dashboards import charts
from dashboards.data import in_list, source_label_sql
from dashboards.ui import fmt_int, fmt_money, require_published, unique_labels

STAGES = ["open", "under_review", "planned", "in_progress", "done"]
STAGE_LABELS = {
    "open": "Open",
    "under_review": "Under review",
    "planned": "Planned",
    "in_progress": "In progress",
    "done": "Done",
    "declined": "Declined",
    "merged": "Merged",
}

st.title("Feedback")
published = require_published(
    "mart_feature_demand", "fct_feedback", "mart_status_funnel", what="the feedback dashboard"
)

sources = published.query(f"select distinct {source_label_sql()} as source from mart_feature_demand order by 1")
boards = published.query("select distinct coalesce(board_name, '(none)') as b from mart_feature_demand order by 1")
if sources.empty:
    st.info("No feedback loaded yet: the feedback marts are empty.", icon=":material/inbox:")
    st.stop()

with st.sidebar:
    chosen_sources = st.multiselect("Source", sources["source"].tolist(), key="feedback_sources")
    chosen_boards = st.multiselect("Board", boards["b"].tolist(), key="feedback_boards")
    top_n = st.slider("Items in rankings", 5, 50, 15, key="feedback_top_n")
    st.caption("Empty selection = all. Deleted and merged items are left out (a merged item counts on its target).")

source_filter, source_params = in_list(source_label_sql("demand."), chosen_sources)
board_filter, board_params = in_list("coalesce(demand.board_name, '(none)')", chosen_boards)
demand_filter = f"{source_filter} and {board_filter}"
demand_params = [*source_params, *board_params]

totals = published.query(
    f"""
    select
        count(*) as items,
        sum(vote_count) as votes,
        sum(unique_voters) as voters,
        sum(voter_mrr) as mrr,
        sum(votes_last_7d) as votes_7d,
        sum(votes_last_30d) as votes_30d
    from mart_feature_demand as demand
    where {demand_filter}
    """,
    demand_params,
).iloc[0]
row = st.columns(5)
row[0].metric("Items", fmt_int(totals["items"]))
row[1].metric("Votes", fmt_int(totals["votes"]))
row[2].metric(
    "MRR behind votes",
    fmt_money(totals["mrr"]),
    help="Sum over items of the MRR behind each: its voters' distinct companies where the vendor lists voters, "
    "else the vendor's own figure; vendors that report none add nothing",
)
row[3].metric("Net votes, last 7 days", fmt_int(totals["votes_7d"]))
row[4].metric("Net votes, last 30 days", fmt_int(totals["votes_30d"]))

st.subheader("Top requested")
top = published.query(
    f"""
    select
        demand.feedback_key,
        demand.title,
        demand.board_name,
        demand.status_stage,
        demand.vote_count,
        demand.unique_voters,
        demand.unique_voting_companies,
        demand.voter_mrr,
        demand.votes_last_7d,
        demand.votes_last_30d,
        {source_label_sql("demand.")} as source,
        feedback.url
    from mart_feature_demand as demand
    left join fct_feedback as feedback on demand.feedback_key = feedback.feedback_key
    where {demand_filter}
    order by demand.vote_count desc, demand.voter_mrr desc nulls last, demand.title
    limit ?
    """,
    [*demand_params, top_n],
)
# items are told apart by key: two items can share a title (common on real boards)
top["label"] = unique_labels(top["title"].tolist(), top["feedback_key"].tolist(), top["source"].tolist())
st.plotly_chart(
    charts.hbar(top, "vote_count", "label", x_title="Votes", hover=["unique_voters", "voter_mrr", "status_stage"]),
    width="stretch",
    key="top_votes",
)
st.dataframe(
    top.drop(columns=["feedback_key", "label"]),
    hide_index=True,
    width="stretch",
    column_config={
        "title": st.column_config.TextColumn("Item", width="medium"),
        "board_name": "Board",
        "status_stage": "Stage",
        "vote_count": st.column_config.NumberColumn("Votes", format="%d"),
        "unique_voters": st.column_config.NumberColumn("Voters", format="%d"),
        "unique_voting_companies": st.column_config.NumberColumn("Companies", format="%d"),
        "voter_mrr": st.column_config.NumberColumn("MRR", format="dollar"),
        "votes_last_7d": st.column_config.NumberColumn("7d", format="%d"),
        "votes_last_30d": st.column_config.NumberColumn("30d", format="%d"),
        "source": "Source",
        "url": st.column_config.LinkColumn("Link", display_text="open"),
    },
)

st.subheader("Votes over time")
if published.has("mart_feedback_votes_daily"):
    labels = dict(zip(top["feedback_key"], top["label"], strict=True))
    chosen = st.multiselect(
        "Items", list(labels), default=list(labels)[:5], format_func=labels.get, key="feedback_items"
    )
    if chosen:
        key_filter, key_params = in_list("daily.feedback_key", chosen)
        history = published.query(
            f"""
            select daily.date_day, daily.feedback_key, daily.vote_count_end_of_day
            from mart_feedback_votes_daily as daily
            where {key_filter}
            order by daily.date_day
            """,
            key_params,
        )
        history["date_day"] = history["date_day"].astype("datetime64[ns]")
        wide = history.pivot(index="date_day", columns="feedback_key", values="vote_count_end_of_day")
        wide = wide.rename(columns=labels).reset_index().rename_axis(columns=None)
        st.plotly_chart(
            charts.daily_lines(wide, {labels[key]: labels[key] for key in chosen}, "Votes at end of day"),
            width="stretch",
            key="votes_over_time",
        )
else:
    st.caption("No vote history published yet (mart_feedback_votes_daily).")

st.subheader("Status funnel and time in stage")
funnel_filter, funnel_params = in_list(source_label_sql(), chosen_sources)
stages = published.query(
    f"""
    select
        status_stage,
        min(stage_order) as stage_order,
        sum(items_now) as items,
        sum(items_ever) as items_ever,
        median(median_days_in_stage) as median_days_in_stage
    from mart_status_funnel
    where {funnel_filter}
    group by status_stage
    order by stage_order
    """,
    funnel_params,
)
stages["stage"] = stages["status_stage"].map(STAGE_LABELS).fillna(stages["status_stage"])
left, right = st.columns(2)
funnel_stages = stages[stages["status_stage"].isin(STAGES)]
left.plotly_chart(charts.funnel(funnel_stages, "stage", "items"), width="stretch", key="funnel")
left.caption(
    "Items currently in each stage, in roadmap order. "
    + ", ".join(f"{row.stage}: {row.items:,}" for row in stages[~stages["status_stage"].isin(STAGES)].itertuples())
)
right.plotly_chart(
    charts.bars(stages, "stage", "median_days_in_stage", x_title="Stage", y_title="Median days in stage"),
    width="stretch",
    key="time_in_stage",
)
right.caption(
    "Median days items spent in a stage before moving on, from the stage changes observed run by run "
    "(across sources: the median of the sources' medians)."
)

st.subheader("Newly trending")
window = st.radio("Window", ["Last 7 days", "Last 30 days"], horizontal=True, key="feedback_window")
column = "votes_last_7d" if window == "Last 7 days" else "votes_last_30d"
trending = published.query(
    f"""
    select feedback_key, title, {source_label_sql("demand.")} as source, board_name, status_stage,
        {column} as new_votes, vote_count
    from mart_feature_demand as demand
    where {demand_filter} and {column} > 0
    order by {column} desc, vote_count desc
    limit ?
    """,
    [*demand_params, top_n],
)
if trending.empty:
    st.caption(f"No net new votes in the {window.lower()}.")
else:
    trending["label"] = unique_labels(
        trending["title"].tolist(), trending["feedback_key"].tolist(), trending["source"].tolist()
    )
    st.plotly_chart(
        charts.hbar(trending, "new_votes", "label", x_title=f"Net new votes ({window.lower()})"),
        width="stretch",
        key="trending",
    )

st.subheader("Merged items")
merged = published.query(
    f"""
    select
        feedback.title as merged_item,
        target.title as merged_into,
        feedback.vote_count,
        {source_label_sql("feedback.")} as source
    from fct_feedback as feedback
    left join fct_feedback as target on feedback.merged_into_key = target.feedback_key
    where feedback.merged_into_key is not null and not feedback.is_deleted
        and {source_filter.replace("demand.", "feedback.")}
    order by feedback.vote_count desc
    """,
    source_params,
)
if merged.empty:
    st.caption("No merged items: only vendors that merge duplicates report them.")
else:
    st.dataframe(merged, hide_index=True, width="stretch")
