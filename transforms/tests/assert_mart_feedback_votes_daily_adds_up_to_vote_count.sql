-- Per Featurebase post whose latest observation saw its current upvote count: the daily net changes add up to
-- vote_count - baseline, and the last day ends at vote_count. Returns the posts where either fails.
with

fct_feedback as (

    select * from {{ ref('fct_feedback') }}

),

fct_votes as (

    select * from {{ ref('fct_votes') }}

),

mart_feedback_votes_daily as (

    select * from {{ ref('mart_feedback_votes_daily') }}

),

stg_featurebase__post_observations as (

    select * from {{ ref('stg_featurebase__post_observations') }}

),

latest_observations as (

    select
        post_key,
        upvotes
    from stg_featurebase__post_observations
    qualify row_number() over (
        partition by post_key
        order by observed_at desc
    ) = 1

),

baselines as (

    select
        feedback_key,
        sum(delta) as baseline_vote_count
    from fct_votes
    where event_kind = 'baseline'
    group by feedback_key

),

daily_totals as (

    select
        feedback_key,
        sum(net_change) as net_change,
        arg_max(vote_count_end_of_day, date_day) as last_vote_count_end_of_day
    from mart_feedback_votes_daily
    group by feedback_key

),

final as (

    select
        fct_feedback.feedback_key,
        fct_feedback.vote_count,
        baselines.baseline_vote_count,
        daily_totals.net_change,
        daily_totals.last_vote_count_end_of_day
    from fct_feedback
    inner join latest_observations
        on fct_feedback.feedback_key = latest_observations.post_key
        and fct_feedback.vote_count = latest_observations.upvotes
    left join baselines
        on fct_feedback.feedback_key = baselines.feedback_key
    left join daily_totals
        on fct_feedback.feedback_key = daily_totals.feedback_key
    where
        fct_feedback.source_system = 'featurebase'
        and not fct_feedback.is_deleted
        and (
            daily_totals.net_change is distinct from fct_feedback.vote_count - baselines.baseline_vote_count
            or daily_totals.last_vote_count_end_of_day is distinct from fct_feedback.vote_count
        )

)

select * from final
