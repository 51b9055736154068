"""Feedback: what customers ask for (votes, voters, MRR behind them), how demand moves, where items stand."""

from __future__ import annotations

import streamlit as st

from dashboards import charts
from dashboards.data import in_list, source_label_sql
from dashboards.ui import fmt_int, fmt_money, require_published

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
published = require_published("mart_feature_demand", "fct_feedback", what="the feedback dashboard")

sources = published.query(f"select distinct {source_label_sql()} as source from mart_feature_demand order by 1")
boards = published.query("select distinct coalesce(board_name, '(none)') as b from mart_feature_demand order by 1")
if sources.empty:
    st.info("No feedback loaded yet: the feedback marts are empty.", icon=":material/inbox:")
    st.stop()

with st.sidebar:
    chosen_sources = st.multiselect("Source", sources["source"].tolist(), key="feedback_sources")
    chosen_boards = st.multiselect("Board", boards["b"].tolist(), key="feedback_boards")
    top_n = st.slider("Items in rankings", 5, 50, 15, key="feedback_top_n")
    st.caption("Empty selection = all. Deleted items are left out.")

source_filter, source_params = in_list(source_label_sql("demand."), chosen_sources)
board_filter, board_params = in_list("coalesce(demand.board_name, '(none)')", chosen_boards)
demand_filter = f"not demand.is_deleted and {source_filter} and {board_filter}"
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
row[2].metric("MRR behind votes", fmt_money(totals["mrr"]), help="Sum over items of the voters' companies' MRR")
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
st.plotly_chart(
    charts.hbar(top, "vote_count", "title", x_title="Votes", hover=["unique_voters", "voter_mrr", "status_stage"]),
    width="stretch",
    key="top_votes",
)
st.dataframe(
    top.drop(columns=["feedback_key"]),
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
    titles = dict(zip(top["title"], top["feedback_key"], strict=False))
    chosen = st.multiselect("Items", list(titles), default=list(titles)[:5], key="feedback_items")
    keys = [titles[title] for title in chosen]
    if keys:
        key_filter, key_params = in_list("daily.feedback_key", keys)
        history = published.query(
            f"""
            select daily.date_day, demand.title, daily.vote_count_end_of_day
            from mart_feedback_votes_daily as daily
            inner join mart_feature_demand as demand on daily.feedback_key = demand.feedback_key
            where {key_filter}
            order by daily.date_day
            """,
            key_params,
        )
        history["date_day"] = history["date_day"].astype("datetime64[ns]")
        st.plotly_chart(
            charts.daily_lines(
                history.pivot_table(index="date_day", columns="title", values="vote_count_end_of_day")
                .reset_index()
                .rename_axis(columns=None),
                {title: title for title in chosen},
                "Votes at end of day",
            ),
            width="stretch",
            key="votes_over_time",
        )
else:
    st.caption("No vote history published yet (mart_feedback_votes_daily).")

st.subheader("Status funnel and time in stage")
stages = published.query(
    f"""
    select
        status_stage,
        count(*) as items,
        median(days_in_stage) as median_days_in_stage
    from mart_feature_demand as demand
    where {demand_filter}
    group by status_stage
    """,
    demand_params,
)
stages["order"] = stages["status_stage"].map({stage: index for index, stage in enumerate(STAGE_LABELS)})
stages = stages.sort_values("order")
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

st.subheader("Newly trending")
window = st.radio("Window", ["Last 7 days", "Last 30 days"], horizontal=True, key="feedback_window")
column = "votes_last_7d" if window == "Last 7 days" else "votes_last_30d"
trending = published.query(
    f"""
    select title, board_name, status_stage, {column} as new_votes, vote_count
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
    st.plotly_chart(
        charts.hbar(trending, "new_votes", "title", x_title=f"Net new votes ({window.lower()})"),
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
    where feedback.merged_into_key is not null and {source_filter.replace("demand.", "feedback.")}
    order by feedback.vote_count desc
    """,
    source_params,
)
if merged.empty:
    st.caption("No merged items: only vendors that merge duplicates (e.g. FeedbackKit) report them.")
else:
    st.dataframe(merged, hide_index=True, width="stretch")
