with

-- deleted items and their votes are left out
votes as (

    select * from {{ ref('fct_votes') }}
    where not is_deleted

),

reference_time as (

    select * from {{ ref('int_feedback_reference_time') }}

),

feedback_first_observations as (

    select
        feedback_key,
        source_system,
        source_account,
        feedback_id,
        {{ fw_utc_date('min(observed_at)') }} as first_observed_date,
        coalesce(sum(delta) filter (where event_kind = 'baseline'), 0) as baseline_vote_count
    from votes
    group by
        feedback_key,
        source_system,
        source_account,
        feedback_id

),

feedback_days as (

    -- dense: every UTC day from the first observation to the reference day, so charts have no gaps
    select
        feedback_first_observations.*,
        cast(days.date_day as date) as date_day
    from feedback_first_observations
    cross join reference_time
    {{ fw_day_series('feedback_first_observations.first_observed_date', 'reference_time.reference_date', 'days', 'date_day') }}

),

daily_vote_changes as (

    select
        feedback_key,
        {{ fw_utc_date('observed_at') }} as date_day,
        sum(case when event_kind != 'baseline' and delta > 0 then delta else 0 end) as votes_added,
        sum(case when event_kind != 'baseline' and delta < 0 then -delta else 0 end) as votes_removed
    from votes
    group by
        feedback_key,
        {{ fw_utc_date('observed_at') }}

),

daily_totals as (

    select
        feedback_days.feedback_key,
        feedback_days.source_system,
        feedback_days.source_account,
        feedback_days.feedback_id,
        feedback_days.date_day,
        feedback_days.baseline_vote_count,
        coalesce(daily_vote_changes.votes_added, 0) as votes_added,
        coalesce(daily_vote_changes.votes_removed, 0) as votes_removed,
        coalesce(daily_vote_changes.votes_added, 0) - coalesce(daily_vote_changes.votes_removed, 0) as net_change
    from feedback_days
    left join daily_vote_changes
        on feedback_days.feedback_key = daily_vote_changes.feedback_key
        and feedback_days.date_day = daily_vote_changes.date_day

),

final as (

    select
        {{ fw_key('source_system', 'source_account', ['feedback_id', 'date_day']) }} as feedback_day_key,
        feedback_key,
        source_system,
        source_account,
        feedback_id,
        date_day,
        votes_added,
        votes_removed,
        net_change,
        baseline_vote_count + sum(net_change) over (
            partition by feedback_key
            order by date_day
            rows between unbounded preceding and current row
        ) as vote_count_end_of_day
    from daily_totals

)

select * from final
