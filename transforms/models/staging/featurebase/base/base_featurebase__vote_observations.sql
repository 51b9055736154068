{#-
    Featurebase vote observations: `vote_observations` in the shared base shape (macros/fw_shared_raw.sql), plus
    the rows of `post_observations`, where warehouses loaded before the shared shape kept the same history under
    Featurebase's own column names. Both are read, so an upgraded warehouse keeps its whole vote history.
-#}
{%- set legacy_relation = source('featurebase', 'post_observations') -%}
{%- set legacy_columns = fw_source_columns(legacy_relation) -%}

with

shared as (

    {{ fw_base_vote_observations('featurebase') }}

),

legacy_source as (

    select * from {{ fw_source_or_empty(legacy_relation) }}

),

legacy_renamed as (

    select
        {{ fw_column(legacy_columns, 'post_id', 'varchar') }} as feedback_id,
        'featurebase' as source_system,
        {{ fw_column(legacy_columns, 'source_account', 'varchar') }} as source_account,
        {{ fw_column(legacy_columns, 'status_name', 'varchar') }} as status,
        {{ fw_column(legacy_columns, 'status_type', 'varchar') }} as status_type,
        {{ fw_json_column(legacy_columns, 'voter_ids') }} as voter_ids_json,
        {{ fw_column(legacy_columns, '_dlt_load_id', 'varchar') }} as dlt_load_id,
        {{ fw_column(legacy_columns, 'upvotes', 'bigint') }} as vote_count,
        cast(null as double precision) as mrr,
        coalesce({{ fw_column(legacy_columns, 'voters_fetched', 'boolean') }}, false) as is_voter_set_complete,
        {{ fw_column(legacy_columns, 'observed_at', 'timestamp with time zone') }} as observed_at,
        {{ fw_column(legacy_columns, 'post_updated_at', 'timestamp with time zone') }} as feedback_updated_at
    from legacy_source

),

legacy as (

    select
        {{ fw_key('source_system', 'source_account', ['feedback_id', fw_epoch_us('observed_at')]) }}
            as vote_observation_key,
        {{ fw_key('source_system', 'source_account', 'feedback_id') }} as feedback_key,
        legacy_renamed.*
    from legacy_renamed

),

final as (

    select
        vote_observation_key, feedback_key, feedback_id, source_system, source_account, status, status_type,
        voter_ids_json, dlt_load_id, vote_count, mrr, is_voter_set_complete, observed_at, feedback_updated_at
    from shared
    union all
    -- an observation in both tables (same account, post and time) is the same one: the new table wins
    select
        vote_observation_key, feedback_key, feedback_id, source_system, source_account, status, status_type,
        voter_ids_json, dlt_load_id, vote_count, mrr, is_voter_set_complete, observed_at, feedback_updated_at
    from legacy
    where not exists (select 1 from shared where shared.vote_observation_key = legacy.vote_observation_key)

)

select * from final
