with

posts as (

    select * from {{ ref('stg_featurebase__posts') }}

),

post_observations as (

    select * from {{ ref('stg_featurebase__post_observations') }}

),

boards as (

    select * from {{ ref('stg_featurebase__boards') }}

),

deletions as (

    select * from {{ ref('stg_featurebase__deletions') }}

),

post_voter_metrics as (

    select * from {{ ref('int_featurebase__post_voter_metrics') }}

),

featurebase_post_status_stages as (

    select * from {{ ref('featurebase_post_status_stages') }}

),

post_statuses as (

    select status_type, status_name from posts
    union
    select status_type, status_name from post_observations

),

post_statuses_with_stage as (

    -- a seed row with a status_name matches that name of its type and wins over the type's catch-all row
    select
        post_statuses.status_type,
        post_statuses.status_name,
        case
            when post_statuses.status_type is null and post_statuses.status_name is null then 'open'
            else coalesce(stages_by_name.status_stage, stages_by_type.status_stage)
        end as status_stage
    from post_statuses
    left join featurebase_post_status_stages as stages_by_name
        on post_statuses.status_type = stages_by_name.status_type
        and lower(post_statuses.status_name) = lower(stages_by_name.status_name)
    left join featurebase_post_status_stages as stages_by_type
        on post_statuses.status_type = stages_by_type.status_type
        and stages_by_type.status_name is null

),

posts_with_stage as (

    select
        posts.*,
        post_statuses_with_stage.status_stage
    from posts
    left join post_statuses_with_stage
        on posts.status_type is not distinct from post_statuses_with_stage.status_type
        and posts.status_name is not distinct from post_statuses_with_stage.status_name

),

observations_with_stage as (

    select
        post_observations.post_key,
        post_observations.observed_at,
        row_number() over (
            partition by post_observations.post_key
            order by post_observations.observed_at
        ) as observation_number,
        post_statuses_with_stage.status_stage
    from post_observations
    left join post_statuses_with_stage
        on post_observations.status_type is not distinct from post_statuses_with_stage.status_type
        and post_observations.status_name is not distinct from post_statuses_with_stage.status_name

),

latest_other_stage_observations as (

    -- the last time the post was observed in another stage than its current one
    select
        posts_with_stage.post_key,
        count(observations_with_stage.post_key) as observation_count,
        max(observations_with_stage.observed_at) filter (
            where observations_with_stage.status_stage is distinct from posts_with_stage.status_stage
        ) as latest_other_stage_observed_at
    from posts_with_stage
    left join observations_with_stage
        on posts_with_stage.post_key = observations_with_stage.post_key
    group by posts_with_stage.post_key

),

current_stage_run_starts as (

    -- the first observation of the current consecutive run of the current stage
    select
        observations_with_stage.post_key,
        min(observations_with_stage.observed_at) as run_started_at,
        min(observations_with_stage.observation_number) as run_first_observation_number
    from observations_with_stage
    inner join latest_other_stage_observations
        on observations_with_stage.post_key = latest_other_stage_observations.post_key
    where
        latest_other_stage_observations.latest_other_stage_observed_at is null
        or observations_with_stage.observed_at > latest_other_stage_observations.latest_other_stage_observed_at
    group by observations_with_stage.post_key

),

post_deletions as (

    select * from deletions
    where entity = 'post'

),

final as (

    select
        posts_with_stage.post_key as feedback_key,
        posts_with_stage.source_system,
        posts_with_stage.source_account,
        posts_with_stage.post_id as feedback_id,
        posts_with_stage.board_id,
        boards.board_name,
        boards.board_name as category,
        posts_with_stage.title,
        posts_with_stage.post_url as url,
        posts_with_stage.author_id,
        posts_with_stage.author_email,
        posts_with_stage.author_name,
        posts_with_stage.status_id,
        posts_with_stage.status_name,
        posts_with_stage.status_type,
        posts_with_stage.status_stage,
        posts_with_stage.upvotes as vote_count,
        posts_with_stage.comment_count,
        post_voter_metrics.unique_voters,
        post_voter_metrics.unique_voting_companies,
        post_voter_metrics.voter_mrr,
        post_voter_metrics.voters_observed_at,
        posts_with_stage.created_at,
        posts_with_stage.updated_at,
        case
            -- the run starts at the baseline (or the post was never observed): in this stage since creation
            when current_stage_run_starts.run_first_observation_number = 1 then posts_with_stage.created_at
            when current_stage_run_starts.run_started_at is not null then current_stage_run_starts.run_started_at
            when latest_other_stage_observations.observation_count = 0 then posts_with_stage.created_at
            -- observed only in other stages: the stage changed with the post's last update at the latest
            else posts_with_stage.updated_at
        end as stage_entered_at,
        cast(null as varchar) as merged_into_key,
        post_deletions.deleted_id is not null as is_deleted,
        post_deletions.deleted_at
    from posts_with_stage
    left join boards
        on posts_with_stage.source_account = boards.source_account
        and posts_with_stage.board_id = boards.board_id
    left join post_voter_metrics
        on posts_with_stage.post_key = post_voter_metrics.post_key
    left join latest_other_stage_observations
        on posts_with_stage.post_key = latest_other_stage_observations.post_key
    left join current_stage_run_starts
        on posts_with_stage.post_key = current_stage_run_starts.post_key
    left join post_deletions
        on posts_with_stage.source_account = post_deletions.source_account
        and posts_with_stage.post_id = post_deletions.deleted_id

)

select * from final
