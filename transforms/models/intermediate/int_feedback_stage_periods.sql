-- One row per stretch of time a feedback item spent in one canonical stage, from the stages observed run by run
-- (vote observations carry the item's status): the first stretch starts at creation, each next one at the first
-- observation in a new stage; a stretch ends when the next begins, and is open (ended_at null) for the current one.
with

observations as (

    select * from {{ ref('int_vote_observations') }}

),

status_stages as (

    select * from {{ ref('int_feedback_status_stages') }}

),

feedback as (

    select * from {{ ref('int_feedback') }}

),

observed_stages as (

    select
        observations.feedback_key,
        observations.observed_at,
        status_stages.status_stage,
        lag(status_stages.status_stage) over (
            partition by observations.feedback_key
            order by observations.observed_at
        ) as previous_stage
    from observations
    left join status_stages
        on observations.source_system = status_stages.source_system
        and observations.status_type is not distinct from status_stages.status_type
        and observations.status_name is not distinct from status_stages.status_name

),

stage_starts as (

    -- the first observation of each stretch; the very first one started when the item was created
    select
        observed_stages.feedback_key,
        observed_stages.status_stage,
        case when observed_stages.previous_stage is null then feedback.created_at else observed_stages.observed_at end
            as started_at
    from observed_stages
    inner join feedback
        on observed_stages.feedback_key = feedback.feedback_key
    where observed_stages.previous_stage is null or observed_stages.previous_stage != observed_stages.status_stage

),

final as (

    select
        feedback.feedback_key,
        feedback.source_system,
        feedback.source_account,
        feedback.feedback_id,
        stage_starts.status_stage,
        stage_starts.started_at,
        lead(stage_starts.started_at) over (
            partition by stage_starts.feedback_key
            order by stage_starts.started_at
        ) as ended_at,
        feedback.is_deleted
    from stage_starts
    inner join feedback
        on stage_starts.feedback_key = feedback.feedback_key

)

select * from final
