{%- set source_relation = source('fakevendor', 'vote_observations') -%}
{%- set source_columns = fw_source_columns(source_relation) -%}

with

source as (

    select * from {{ fw_source_or_empty(source_relation) }}

),

final as (

    select
        {{ fw_key("'fakevendor'", fw_column(source_columns, 'source_account', 'varchar'), fw_column(source_columns, 'feedback_id', 'varchar')) }} as feedback_key,
        'fakevendor' as source_system,
        {{ fw_column(source_columns, 'source_account', 'varchar') }} as source_account,
        {{ fw_column(source_columns, 'feedback_id', 'varchar') }} as feedback_id,
        {{ fw_column(source_columns, 'observed_at', 'timestamp with time zone') }} as observed_at,
        {{ fw_column(source_columns, 'vote_count', 'bigint') }} as vote_count,
        cast(null as varchar) as voter_ids_json,
        false as is_voter_set_complete,
        cast(null as varchar) as status_name,
        cast(null as varchar) as status_type,
        cast(null as double precision) as mrr
    from source

)

select * from final
