{%- set source_relation = source('product7', 'vote_observations') -%}
{%- set source_columns = fw_source_columns(source_relation) -%}

with

source as (

    select * from {{ fw_source_or_empty(source_relation) }}

),

renamed as (

    select
        -- ids
        {{ fw_column(source_columns, 'feedback_id', 'varchar') }} as feedback_id,

        -- strings
        'product7' as source_system,
        {{ fw_column(source_columns, 'source_account', 'varchar') }} as source_account,
        {{ fw_column(source_columns, 'status', 'varchar') }} as status,
        {{ fw_column(source_columns, 'status_type', 'varchar') }} as status_type,
        -- Product7 lists no voters: null unless a future version of the source observes them
        {{ fw_json_column(source_columns, 'voter_ids') }} as voter_ids_json,
        {{ fw_column(source_columns, '_dlt_load_id', 'varchar') }} as dlt_load_id,

        -- numbers
        {{ fw_column(source_columns, 'vote_count', 'bigint') }} as vote_count,

        -- booleans
        coalesce({{ fw_column(source_columns, 'voters_complete', 'boolean') }}, false) as is_voter_set_complete,

        -- timestamps
        {{ fw_column(source_columns, 'observed_at', 'timestamp with time zone') }} as observed_at,
        {{ fw_column(source_columns, 'feedback_updated_at', 'timestamp with time zone') }} as feedback_updated_at

    from source

),

final as (

    select
        {{ fw_key('source_system', 'source_account', ['feedback_id', fw_epoch_us('observed_at')]) }} as vote_observation_key,
        {{ fw_key('source_system', 'source_account', 'feedback_id') }} as feedback_key,
        renamed.*
    from renamed

)

select * from final
