{%- set source_relation = source('feedbackkit', 'comments') -%}
{%- set source_columns = fw_source_columns(source_relation) -%}

with

source as (

    select * from {{ fw_source_or_empty(source_relation) }}

),

renamed as (

    select
        -- ids
        {{ fw_column(source_columns, 'id', 'varchar') }} as comment_id,
        {{ fw_column(source_columns, 'feedback_id', 'varchar') }} as feedback_id,
        {{ fw_column(source_columns, 'user_id', 'varchar') }} as author_id,

        -- strings
        'feedbackkit' as source_system,
        {{ fw_column(source_columns, 'source_account', 'varchar') }} as source_account,
        {{ fw_column(source_columns, 'content', 'varchar') }} as content,
        {{ fw_column(source_columns, '_dlt_load_id', 'varchar') }} as dlt_load_id,

        -- numbers
        {{ fw_column(source_columns, 'position', 'bigint') }} as position,

        -- booleans
        {{ fw_column(source_columns, 'is_admin', 'boolean') }} as is_admin,

        -- timestamps
        {{ fw_column(source_columns, 'created_at', 'timestamp with time zone') }} as created_at

    from source

),

final as (

    select
        {{ fw_key('source_system', 'source_account', 'comment_id') }} as comment_key,
        {{ fw_key('source_system', 'source_account', 'feedback_id') }} as feedback_key,
        renamed.*
    from renamed

)

select * from final
