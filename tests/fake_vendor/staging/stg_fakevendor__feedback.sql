{%- set source_relation = source('fakevendor', 'items') -%}
{%- set source_columns = fw_source_columns(source_relation) -%}

with

source as (

    select * from {{ fw_source_or_empty(source_relation) }}

),

final as (

    select
        {{ fw_key("'fakevendor'", fw_column(source_columns, 'source_account', 'varchar'), fw_column(source_columns, 'id', 'varchar')) }} as feedback_key,
        'fakevendor' as source_system,
        {{ fw_column(source_columns, 'source_account', 'varchar') }} as source_account,
        {{ fw_column(source_columns, 'id', 'varchar') }} as feedback_id,
        cast(null as varchar) as board_id,
        cast(null as varchar) as board_name,
        cast(null as varchar) as category,
        {{ fw_column(source_columns, 'title', 'varchar') }} as title,
        cast(null as varchar) as url,
        cast(null as varchar) as author_id,
        cast(null as varchar) as author_email,
        cast(null as varchar) as author_name,
        cast(null as varchar) as status_id,
        cast(null as varchar) as status_name,
        cast(null as varchar) as status_type,
        {{ fw_column(source_columns, 'votes', 'bigint') }} as vote_count,
        cast(null as bigint) as comment_count,
        cast(null as double precision) as mrr,
        cast(null as varchar) as merged_into_id,
        cast(null as timestamp with time zone) as merged_at,
        cast(null as varchar) as rejection_reason,
        {{ fw_column(source_columns, 'created_at', 'timestamp with time zone') }} as created_at,
        {{ fw_column(source_columns, 'created_at', 'timestamp with time zone') }} as updated_at
    from source

)

select * from final
