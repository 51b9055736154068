-- One row per source (vendor, account) and canonical stage: how many live items are in the stage now, how many
-- ever passed through it, and the median days an item spent in it (over the stretches that ended: an item still
-- in the stage has not finished its time there), from the stage changes observed run by run.
with

stage_periods as (

    select * from {{ ref('int_feedback_stage_periods') }}
    where not is_deleted

),

feedback as (

    select * from {{ ref('fct_feedback') }}
    where not is_deleted

),

stages as (

    select 'open' as status_stage, 1 as stage_order
    union all select 'under_review', 2
    union all select 'planned', 3
    union all select 'in_progress', 4
    union all select 'done', 5
    union all select 'declined', 6
    union all select 'merged', 7

),

sources as (

    select distinct source_system, source_account from feedback

),

current_counts as (

    select source_system, source_account, status_stage, count(*) as items_now
    from feedback
    group by source_system, source_account, status_stage

),

period_figures as (

    select
        source_system,
        source_account,
        status_stage,
        count(distinct feedback_key) as items_ever,
        count(ended_at) as completed_stretches,
        {{ fw_percentile(fw_minutes_between('started_at', 'ended_at') ~ ' / 1440.0', 0.5) }} as median_days_in_stage
    from stage_periods
    group by source_system, source_account, status_stage

),

final as (

    select
        {{ fw_key('sources.source_system', 'sources.source_account', 'stages.status_stage') }} as funnel_key,
        sources.source_system,
        sources.source_account,
        stages.status_stage,
        stages.stage_order,
        coalesce(current_counts.items_now, 0) as items_now,
        coalesce(period_figures.items_ever, 0) as items_ever,
        coalesce(period_figures.completed_stretches, 0) as completed_stretches,
        period_figures.median_days_in_stage
    from sources
    cross join stages
    left join current_counts
        on sources.source_system = current_counts.source_system
        and sources.source_account = current_counts.source_account
        and stages.status_stage = current_counts.status_stage
    left join period_figures
        on sources.source_system = period_figures.source_system
        and sources.source_account = period_figures.source_account
        and stages.status_stage = period_figures.status_stage

)

select * from final
