{%- set source_relation = source('featurebase', 'vote_observations') -%}
{%- set source_columns = fw_source_columns(source_relation) -%}

with

source as (

    select * from {{ fw_source_or_empty(source_relation) }}

),

renamed as (

    select
        -- ids
        {{ fw_column(source_columns, 'feedback_id', 'varchar') }} as post_id,
        cast(null as varchar) as status_id,

        -- strings
        'featurebase' as source_system,
        {{ fw_column(source_columns, 'source_account', 'varchar') }} as source_account,
        {{ fw_column(source_columns, 'status', 'varchar') }} as status_name,
        {{ fw_column(source_columns, 'status_type', 'varchar') }} as status_type,
        -- the post's full voter set at observed_at, as a list (sorted by the loader)
        cast({{ fw_column(source_columns, 'voter_ids', 'json') }} as varchar[]) as voter_ids,
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

final as (

    select
        {{ fw_key('source_system', 'source_account', ['post_id', 'epoch_us(observed_at)']) }} as post_observation_key,
        {{ fw_key('source_system', 'source_account', 'post_id') }} as post_key,
        renamed.*
    from renamed

)

select * from final
