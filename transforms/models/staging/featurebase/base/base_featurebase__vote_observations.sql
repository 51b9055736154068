{#-
    Featurebase vote observations: `vote_observations` (the shared shape every vendor writes), plus the rows of
    `post_observations`, where warehouses loaded before the shared shape kept the same history under Featurebase's
    own column names. Both are read, so an upgraded warehouse keeps its whole vote history.
-#}
{%- set source_relation = source('featurebase', 'vote_observations') -%}
{%- set source_columns = fw_source_columns(source_relation) -%}
{%- set legacy_relation = source('featurebase', 'post_observations') -%}
{%- set legacy_columns = fw_source_columns(legacy_relation) -%}

with

source as (

    select * from {{ fw_source_or_empty(source_relation) }}

),

legacy_source as (

    select * from {{ fw_source_or_empty(legacy_relation) }}

),

renamed as (

    select
        -- ids
        {{ fw_column(source_columns, 'feedback_id', 'varchar') }} as post_id,

        -- strings
        'featurebase' as source_system,
        {{ fw_column(source_columns, 'source_account', 'varchar') }} as source_account,
        {{ fw_column(source_columns, 'status', 'varchar') }} as status_name,
        {{ fw_column(source_columns, 'status_type', 'varchar') }} as status_type,
        -- the post's full voter set at observed_at: a JSON array of voter ids (sorted by the loader)
        {{ fw_json_column(source_columns, 'voter_ids') }} as voter_ids_json,
        {{ fw_column(source_columns, '_dlt_load_id', 'varchar') }} as dlt_load_id,

        -- numbers
        {{ fw_column(source_columns, 'vote_count', 'bigint') }} as upvotes,

        -- booleans
        coalesce({{ fw_column(source_columns, 'voters_complete', 'boolean') }}, false) as is_voters_fetched,

        -- timestamps
        {{ fw_column(source_columns, 'observed_at', 'timestamp with time zone') }} as observed_at,
        {{ fw_column(source_columns, 'feedback_updated_at', 'timestamp with time zone') }} as post_updated_at

    from source

),

legacy_renamed as (

    select
        {{ fw_column(legacy_columns, 'post_id', 'varchar') }} as post_id,
        'featurebase' as source_system,
        {{ fw_column(legacy_columns, 'source_account', 'varchar') }} as source_account,
        {{ fw_column(legacy_columns, 'status_name', 'varchar') }} as status_name,
        {{ fw_column(legacy_columns, 'status_type', 'varchar') }} as status_type,
        {{ fw_json_column(legacy_columns, 'voter_ids') }} as voter_ids_json,
        {{ fw_column(legacy_columns, '_dlt_load_id', 'varchar') }} as dlt_load_id,
        {{ fw_column(legacy_columns, 'upvotes', 'bigint') }} as upvotes,
        coalesce({{ fw_column(legacy_columns, 'voters_fetched', 'boolean') }}, false) as is_voters_fetched,
        {{ fw_column(legacy_columns, 'observed_at', 'timestamp with time zone') }} as observed_at,
        {{ fw_column(legacy_columns, 'post_updated_at', 'timestamp with time zone') }} as post_updated_at
    from legacy_source

),

observations as (

    select * from renamed
    union all
    -- an observation in both tables (same account, post and time) is the same one: the new table wins
    select legacy_renamed.* from legacy_renamed
    where not exists (
        select 1 from renamed
        where
            renamed.source_account = legacy_renamed.source_account
            and renamed.post_id = legacy_renamed.post_id
            and renamed.observed_at = legacy_renamed.observed_at
    )

),

final as (

    select
        {{ fw_key('source_system', 'source_account', ['post_id', fw_epoch_us('observed_at')]) }} as post_observation_key,
        {{ fw_key('source_system', 'source_account', 'post_id') }} as post_key,
        observations.*
    from observations

)

select * from final
