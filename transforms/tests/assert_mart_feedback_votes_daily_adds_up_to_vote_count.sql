-- For every live feedback item with vote history: the daily net changes add up to its latest observed vote count
-- minus its baseline, the last day ends at that count, and the item is in the daily mart at all.
-- Returns the items where any of that fails.
with

vote_observations as (

    select * from {{ ref('int_vote_observations') }}

),

fct_feedback as (

    select * from {{ ref('fct_feedback') }}

),

fct_votes as (

    select * from {{ ref('fct_votes') }}

),

mart_feedback_votes_daily as (

    select * from {{ ref('mart_feedback_votes_daily') }}

),

latest_observations_ranked as (

    select
        feedback_key,
        coalesce(vote_count, 0) as vote_count,
        row_number() over (partition by feedback_key order by observed_at desc) as recency_rank
    from vote_observations

),

baselines as (

    select feedback_key, sum(delta) as baseline_vote_count
    from fct_votes
    where event_kind = 'baseline'
    group by feedback_key

),

daily_ranked_latest_first as (

    select
        feedback_key,
        vote_count_end_of_day,
        row_number() over (partition by feedback_key order by date_day desc) as recency_rank
    from mart_feedback_votes_daily

),

daily_totals as (

    select feedback_key, sum(net_change) as net_change
    from mart_feedback_votes_daily
    group by feedback_key

),

final as (

    select
        fct_feedback.feedback_key,
        latest_observations_ranked.vote_count as latest_observed_vote_count,
        baselines.baseline_vote_count,
        daily_totals.net_change,
        daily_ranked_latest_first.vote_count_end_of_day as last_vote_count_end_of_day
    from fct_feedback
    inner join latest_observations_ranked
        on fct_feedback.feedback_key = latest_observations_ranked.feedback_key
        and latest_observations_ranked.recency_rank = 1
    left join baselines
        on fct_feedback.feedback_key = baselines.feedback_key
    left join daily_totals
        on fct_feedback.feedback_key = daily_totals.feedback_key
    left join daily_ranked_latest_first
        on fct_feedback.feedback_key = daily_ranked_latest_first.feedback_key
        and daily_ranked_latest_first.recency_rank = 1
    where
        not fct_feedback.is_deleted
        and (
            daily_totals.net_change is null
            or daily_totals.net_change != latest_observations_ranked.vote_count - baselines.baseline_vote_count
            or daily_ranked_latest_first.vote_count_end_of_day != latest_observations_ranked.vote_count
        )

)

select * from final
