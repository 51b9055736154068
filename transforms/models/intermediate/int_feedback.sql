-- Every vendor's feedback items with their canonical stage, when they entered it, what they were merged into,
-- their voters' metrics (where voters are listed) and soft deletes.
with

feedback as (

    select * from {{ ref('int_feedback_unioned') }}

),

status_stages as (

    select * from {{ ref('int_feedback_status_stages') }}

),

observations as (

    select * from {{ ref('int_vote_observations') }}

),

voter_metrics as (

    select * from {{ ref('int_feedback_voter_metrics') }}

),

deletions as (

    select * from {{ ref('int_deletions') }}
    where entity = 'feedback'

),

feedback_with_stage as (

    select
        feedback.*,
        status_stages.status_stage,
        coalesce(status_stages.is_status_unmapped, false) as is_status_unmapped
    from feedback
    left join status_stages
        on feedback.source_system = status_stages.source_system
        and feedback.status_type is not distinct from status_stages.status_type
        and feedback.status_name is not distinct from status_stages.status_name

),

observations_with_stage as (

    select
        observations.feedback_key,
        observations.observed_at,
        observations.observation_number,
        status_stages.status_stage
    from observations
    left join status_stages
        on observations.source_system = status_stages.source_system
        and observations.status_type is not distinct from status_stages.status_type
        and observations.status_name is not distinct from status_stages.status_name

),

latest_other_stage_observations as (

    -- the last time the item was observed in another stage than its current one
    select
        feedback_with_stage.feedback_key,
        count(observations_with_stage.feedback_key) as observation_count,
        max(observations_with_stage.observed_at) filter (
            where observations_with_stage.status_stage is distinct from feedback_with_stage.status_stage
        ) as latest_other_stage_observed_at
    from feedback_with_stage
    left join observations_with_stage
        on feedback_with_stage.feedback_key = observations_with_stage.feedback_key
    group by feedback_with_stage.feedback_key

),

current_stage_run_starts as (

    -- the first observation of the current consecutive run of the current stage
    select
        observations_with_stage.feedback_key,
        min(observations_with_stage.observed_at) as run_started_at,
        min(observations_with_stage.observation_number) as run_first_observation_number
    from observations_with_stage
    inner join latest_other_stage_observations
        on observations_with_stage.feedback_key = latest_other_stage_observations.feedback_key
    where
        latest_other_stage_observations.latest_other_stage_observed_at is null
        or observations_with_stage.observed_at > latest_other_stage_observations.latest_other_stage_observed_at
    group by observations_with_stage.feedback_key

),

final as (

    select
        feedback_with_stage.feedback_key,
        feedback_with_stage.source_system,
        feedback_with_stage.source_account,
        feedback_with_stage.feedback_id,
        feedback_with_stage.board_id,
        feedback_with_stage.board_name,
        feedback_with_stage.category,
        feedback_with_stage.title,
        feedback_with_stage.url,
        feedback_with_stage.author_id,
        feedback_with_stage.author_email,
        feedback_with_stage.author_name,
        feedback_with_stage.status_id,
        feedback_with_stage.status_name,
        feedback_with_stage.status_type,
        feedback_with_stage.status_stage,
        feedback_with_stage.is_status_unmapped,
        feedback_with_stage.vote_count,
        feedback_with_stage.comment_count,
        voter_metrics.unique_voters,
        voter_metrics.unique_voting_companies,
        -- the MRR behind a request: its voters' distinct companies where voters are listed (Featurebase), the
        -- vendor's own figure where it reports one (FeedbackKit totalMrr), else unknown (null, never 0)
        coalesce(voter_metrics.voter_mrr, feedback_with_stage.mrr) as voter_mrr,
        voter_metrics.voters_observed_at,
        feedback_with_stage.created_at,
        feedback_with_stage.updated_at,
        case
            -- the run starts at the first observation (or the item was never observed): in this stage since creation
            when current_stage_run_starts.run_first_observation_number = 1 then feedback_with_stage.created_at
            when current_stage_run_starts.run_started_at is not null then current_stage_run_starts.run_started_at
            when latest_other_stage_observations.observation_count = 0 then feedback_with_stage.created_at
            -- observed only in other stages: the stage changed with the item's last update at the latest
            else feedback_with_stage.updated_at
        end as stage_entered_at,
        {{ fw_key('feedback_with_stage.source_system', 'feedback_with_stage.source_account', 'feedback_with_stage.merged_into_id') }}
            as merged_into_key,
        feedback_with_stage.merged_into_id,
        feedback_with_stage.merged_at,
        feedback_with_stage.rejection_reason,
        deletions.deleted_id is not null as is_deleted,
        deletions.deleted_at
    from feedback_with_stage
    left join voter_metrics
        on feedback_with_stage.feedback_key = voter_metrics.feedback_key
    left join latest_other_stage_observations
        on feedback_with_stage.feedback_key = latest_other_stage_observations.feedback_key
    left join current_stage_run_starts
        on feedback_with_stage.feedback_key = current_stage_run_starts.feedback_key
    left join deletions
        on feedback_with_stage.source_system = deletions.source_system
        and feedback_with_stage.source_account = deletions.source_account
        and feedback_with_stage.feedback_id = deletions.deleted_id

)

select * from final
