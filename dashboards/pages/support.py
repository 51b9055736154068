"""Support: volume, backlog, response and resolution times, CSAT. Trends from mart_support_daily (day x source);
ticket-level sections from fct_tickets / fct_csat so the category and status filters apply to them too."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboards import charts
from dashboards.data import in_list, source_label_sql
from dashboards.ui import fmt_int, fmt_minutes, fmt_pct, require_published

st.title("Support")
published = require_published("mart_support_daily", "fct_tickets", "fct_csat", what="the support dashboard")

bounds = published.query("select min(date_day) as first_day, max(date_day) as last_day from mart_support_daily")
if bounds.empty or bounds.loc[0, "first_day"] is None:
    st.info("No tickets loaded yet: the support marts are empty.", icon=":material/inbox:")
    st.stop()
first_day: dt.date = bounds.loc[0, "first_day"]
last_day: dt.date = bounds.loc[0, "last_day"]

sources = published.query(f"select distinct {source_label_sql()} as source from mart_support_daily order by 1")
categories = published.query("select distinct coalesce(category_name, '(none)') as c from fct_tickets order by 1")
statuses = published.query("select distinct coalesce(status_category, '(unmapped)') as s from fct_tickets order by 1")

with st.sidebar:
    picked = st.date_input(
        "Date range",
        value=(max(first_day, last_day - dt.timedelta(days=89)), last_day),
        min_value=first_day,
        max_value=last_day,
        key="support_dates",
    )
    chosen_sources = st.multiselect("Source", sources["source"].tolist(), key="support_sources")
    chosen_categories = st.multiselect("Category", categories["c"].tolist(), key="support_categories")
    chosen_statuses = st.multiselect("Status", statuses["s"].tolist(), key="support_statuses")
    st.caption("Empty selection = all. Category and status filter the ticket-level sections; trends are per source.")

start, end = (picked[0], picked[-1]) if isinstance(picked, tuple | list) and picked else (first_day, last_day)
source_filter, source_params = in_list(source_label_sql(), chosen_sources)
ticket_source_filter, ticket_source_params = in_list(source_label_sql("tickets."), chosen_sources)
category_filter, category_params = in_list("coalesce(tickets.category_name, '(none)')", chosen_categories)
status_filter, status_params = in_list("coalesce(tickets.status_category, '(unmapped)')", chosen_statuses)
ticket_filters = f"{ticket_source_filter} and {category_filter} and {status_filter}"
ticket_params = [*ticket_source_params, *category_params, *status_params]

# --- headline numbers for the range (all filters) -------------------------------------------------------------
ticket_kpis = published.query(
    f"""
    select
        count(*) filter (where cast(timezone('UTC', created_at) as date) between ? and ?) as opened,
        count(*) filter (where cast(timezone('UTC', resolved_at) as date) between ? and ?) as solved,
        quantile_cont(first_response_minutes, 0.5)
            filter (where cast(timezone('UTC', created_at) as date) between ? and ?) as median_first_response,
        quantile_cont(first_response_minutes, 0.9)
            filter (where cast(timezone('UTC', created_at) as date) between ? and ?) as p90_first_response,
        quantile_cont(resolution_minutes, 0.5)
            filter (where cast(timezone('UTC', resolved_at) as date) between ? and ?) as median_resolution,
        quantile_cont(first_response_business_minutes, 0.5)
            filter (where cast(timezone('UTC', created_at) as date) between ? and ?) as median_first_response_business,
        count(*) filter (where status_category in ('open', 'pending')) as open_now
    from fct_tickets as tickets
    where not tickets.is_deleted and {ticket_filters}
    """,
    [start, end] * 6 + ticket_params,
)
csat_kpis = published.query(
    f"""
    select
        count(*) filter (where csat.is_rated and cast(timezone('UTC', csat.rated_at) as date) between ? and ?)
            as ratings,
        count(*) filter (where csat.is_positive and cast(timezone('UTC', csat.rated_at) as date) between ? and ?)
            as positive,
        count(*) filter (where cast(timezone('UTC', csat.requested_at) as date) between ? and ?) as requests,
        count(*) filter (where csat.is_rated and cast(timezone('UTC', csat.requested_at) as date) between ? and ?)
            as requests_rated
    from fct_csat as csat
    inner join fct_tickets as tickets on csat.ticket_key = tickets.ticket_key
    where not tickets.is_deleted and {ticket_filters}
    """,
    [start, end] * 4 + ticket_params,
)
tk, ck = ticket_kpis.iloc[0], csat_kpis.iloc[0]
csat_pct = 100.0 * ck["positive"] / ck["ratings"] if ck["ratings"] else None
response_rate = 100.0 * ck["requests_rated"] / ck["requests"] if ck["requests"] else None

days = (end - start).days + 1
st.caption(
    f"{start:%d %b %Y} – {end:%d %b %Y} ({days} UTC days). The CLI summary's CSAT is all time; here it is the "
    "ratings submitted in these days."
)
row = st.columns(4)
row[0].metric("Tickets opened", fmt_int(tk["opened"]))
row[1].metric("Tickets solved", fmt_int(tk["solved"]))
row[2].metric("Open or pending now", fmt_int(tk["open_now"]))
row[3].metric(f"CSAT ({days} days)", fmt_pct(csat_pct), help="Ratings 4–5 ÷ all ratings submitted in the selected days")
row = st.columns(4)
row[0].metric(
    "Median first response",
    fmt_minutes(tk["median_first_response"]),
    help=f"Calendar time; in business hours: {fmt_minutes(tk['median_first_response_business'])}",
)
row[1].metric("P90 first response", fmt_minutes(tk["p90_first_response"]))
row[2].metric("Median resolution", fmt_minutes(tk["median_resolution"]))
row[3].metric(
    f"CSAT response rate ({days} days)",
    fmt_pct(response_rate),
    help="Rated requests ÷ requests sent in the selected days (the last week's requests can still be rated)",
)

# --- trends (mart_support_daily: date range and source) -------------------------------------------------------
daily = published.query(
    f"""
    select
        date_day,
        sum(tickets_opened) as tickets_opened,
        sum(tickets_solved) as tickets_solved,
        sum(backlog_end_of_day) as backlog_end_of_day,
        sum(csat_positive_ratings) as csat_positive_ratings,
        sum(csat_ratings) as csat_ratings,
        sum(csat_requests_rated) as csat_requests_rated,
        sum(csat_requests) as csat_requests,
        bool_or(is_csat_response_window_open) as is_window_open
    from mart_support_daily
    where date_day between ? and ? and {source_filter}
    group by date_day
    order by date_day
    """,
    [start, end, *source_params],
)
per_source = published.query(
    f"""
    select
        date_day,
        {source_label_sql()} as source,
        median_first_response_minutes / 60.0 as median_first_response_hours,
        p90_first_response_minutes / 60.0 as p90_first_response_hours,
        median_resolution_minutes / 60.0 as median_resolution_hours
    from mart_support_daily
    where date_day between ? and ? and {source_filter}
    order by date_day, source
    """,
    [start, end, *source_params],
)

# a day has a handful of ratings: a trailing 7-day ratio of the mart's counts reads better than daily 0 % / 100 %
rolling = daily[["csat_positive_ratings", "csat_ratings", "csat_requests_rated", "csat_requests"]].rolling(7, 1).sum()
daily["csat_pct_7d"] = (
    100.0 * rolling["csat_positive_ratings"] / rolling["csat_ratings"].where(rolling["csat_ratings"] > 0)
)
response_rate_7d = 100.0 * rolling["csat_requests_rated"] / rolling["csat_requests"].where(rolling["csat_requests"] > 0)
# requests of the last week can still be rated: their response rate is drawn as its own, provisional series
daily["csat_response_rate_pct_7d"] = response_rate_7d.where(~daily["is_window_open"].astype(bool))
daily["csat_response_rate_open_pct_7d"] = response_rate_7d.where(daily["is_window_open"].astype(bool))

st.subheader("Volume")
left, right = st.columns(2)
left.plotly_chart(
    charts.daily_bars(daily, {"tickets_opened": "Opened", "tickets_solved": "Solved"}, "Tickets per day"),
    width="stretch",
)
right.plotly_chart(
    charts.daily_lines(daily, {"backlog_end_of_day": "Backlog at end of day"}, "Open tickets"), width="stretch"
)

st.subheader("Response and resolution time")
left, right = st.columns(2)
left.plotly_chart(
    charts.daily_lines(
        per_source,
        {"median_first_response_hours": "Median", "p90_first_response_hours": "P90"},
        "First response (hours, log scale)",
        color="source",
        log=True,
    ),
    width="stretch",
)
right.plotly_chart(
    charts.daily_lines(
        per_source,
        {"median_resolution_hours": "Median resolution"},
        "Resolution (hours, log scale)",
        color="source",
        log=True,
    ),
    width="stretch",
)
st.caption("First response by the day a ticket was created; resolution by the day it was first solved.")

st.subheader("CSAT")
left, right = st.columns(2)
left.plotly_chart(
    charts.daily_lines(
        daily,
        {
            "csat_pct_7d": "CSAT % (7-day)",
            "csat_response_rate_pct_7d": "Response rate (7-day)",
            "csat_response_rate_open_pct_7d": "Response rate, still open",
        },
        "Percent",
        percent=True,
    ),
    width="stretch",
)
scores = published.query(
    f"""
    select csat.score, count(*) as ratings
    from fct_csat as csat
    inner join fct_tickets as tickets on csat.ticket_key = tickets.ticket_key
    where csat.is_rated and not csat.is_deleted
        and cast(timezone('UTC', csat.rated_at) as date) between ? and ? and {ticket_filters}
    group by csat.score
    order by csat.score
    """,
    [start, end, *ticket_params],
)
right.plotly_chart(
    charts.bars(scores, "score", "ratings", x_title="Score", y_title="Ratings"), width="stretch", key="scores"
)

by_agent = published.query(
    f"""
    select
        coalesce(csat.agent_key_label, '(unattributed)') as agent,
        {source_label_sql("csat.")} as source,
        count(*) as ratings,
        100.0 * count(*) filter (where csat.is_positive) / count(*) as csat_pct
    from (
        select
            *,
            case
                when agent_name is not null and agent_email is not null then agent_name || ' <' || agent_email || '>'
                else coalesce(agent_name, agent_email, agent_id)
            end as agent_key_label
        from fct_csat
    ) as csat
    inner join fct_tickets as tickets on csat.ticket_key = tickets.ticket_key
    where csat.is_rated and not csat.is_deleted
        and cast(timezone('UTC', csat.rated_at) as date) between ? and ? and {ticket_filters}
    group by csat.agent_key_label, csat.source_system, csat.source_account
    order by csat_pct desc, ratings desc
    """,
    [start, end, *ticket_params],
)
st.markdown("**CSAT by agent** (the agent the rating is credited to: the rated agent, else the last one who replied)")
left, right = st.columns(2)
left.plotly_chart(
    charts.hbar(by_agent, "csat_pct", "agent", x_title="CSAT %", hover=["ratings", "source"]).update_xaxes(
        range=[0, 105], ticksuffix="%"
    ),
    width="stretch",
    key="agents",
)
right.dataframe(
    by_agent,
    hide_index=True,
    width="stretch",
    column_config={
        "agent": "Agent",
        "source": "Source",
        "ratings": st.column_config.NumberColumn("Ratings", format="%d"),
        "csat_pct": st.column_config.NumberColumn("CSAT", format="%.1f%%"),
    },
)

st.markdown("**Latest low ratings (1–2)**")
low = published.query(
    f"""
    select
        csat.rated_at,
        csat.score,
        coalesce(csat.remark, '') as remark,
        tickets.ticket_url,
        tickets.title,
        coalesce(csat.agent_name, csat.agent_id, '(unattributed)') as agent
    from fct_csat as csat
    inner join fct_tickets as tickets on csat.ticket_key = tickets.ticket_key
    where csat.score <= 2 and not csat.is_deleted
        and cast(timezone('UTC', csat.rated_at) as date) between ? and ? and {ticket_filters}
    order by csat.rated_at desc
    limit 25
    """,
    [start, end, *ticket_params],
)
if low.empty:
    st.caption("No ratings of 1 or 2 in this range.")
else:
    st.dataframe(
        low,
        hide_index=True,
        width="stretch",
        column_config={
            "rated_at": st.column_config.DatetimeColumn("Rated (UTC)", format="YYYY-MM-DD HH:mm"),
            "score": st.column_config.NumberColumn("Score", format="%d"),
            "remark": st.column_config.TextColumn("Remark", width="medium"),
            "title": st.column_config.TextColumn("Ticket", width="medium"),
            "agent": "Agent",
            "ticket_url": st.column_config.LinkColumn("Open", display_text="open ticket"),
        },
    )
