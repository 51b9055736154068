-- Every (vendor, status type, status name) seen on feedback or in vote observations, with its canonical stage
-- from the feedback_status_stages seed: a row naming the status wins over its type's catch-all row; an item
-- without any status is open; an unmapped status is open too and flagged (the warn-level test lists them).
with

feedback as (

    select * from {{ ref('int_feedback_unioned') }}

),

observations as (

    select * from {{ ref('int_vote_observations') }}

),

feedback_status_stages as (

    select * from {{ ref('feedback_status_stages') }}

),

statuses as (

    select source_system, status_type, status_name from feedback
    union
    select source_system, status_type, status_name from observations

),

final as (

    select
        statuses.source_system,
        statuses.status_type,
        statuses.status_name,
        case
            when statuses.status_type is null and statuses.status_name is null then 'open'
            else coalesce(stages_by_name.status_stage, stages_by_type.status_stage, 'open')
        end as status_stage,
        (statuses.status_type is not null or statuses.status_name is not null)
        and stages_by_name.status_stage is null
        and stages_by_type.status_stage is null as is_status_unmapped
    from statuses
    left join feedback_status_stages as stages_by_name
        on statuses.source_system = stages_by_name.source_system
        and statuses.status_type = stages_by_name.status_type
        and lower(statuses.status_name) = lower(stages_by_name.status_name)
    left join feedback_status_stages as stages_by_type
        on statuses.source_system = stages_by_type.source_system
        and statuses.status_type = stages_by_type.status_type
        and stages_by_type.status_name is null

)

select * from final
