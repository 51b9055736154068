{%- set source_relation = source('usersloop', 'feedback') -%}
{%- set source_columns = fw_source_columns(source_relation) -%}

with

source as (

    select * from {{ fw_source_or_empty(source_relation) }}

),

renamed as (

    select
        -- ids
        {{ fw_column(source_columns, 'id', 'varchar') }} as feedback_id,

        -- strings
        'usersloop' as source_system,
        {{ fw_column(source_columns, 'source_account', 'varchar') }} as source_account,
        {{ fw_column(source_columns, 'title', 'varchar') }} as title,
        {{ fw_column(source_columns, 'details', 'varchar') }} as details,
        {{ fw_column(source_columns, 'status', 'varchar') }} as status,
        {{ fw_column(source_columns, '_dlt_load_id', 'varchar') }} as dlt_load_id,

        -- numbers
        {{ fw_column(source_columns, 'difficulty', 'integer') }} as difficulty,
        {{ fw_column(source_columns, 'impact', 'integer') }} as impact,
        {{ fw_column(source_columns, 'votes_count', 'bigint') }} as votes_count,
        {{ fw_column(source_columns, 'comments_count', 'bigint') }} as comments_count,

        -- timestamps
        {{ fw_column(source_columns, 'created_at', 'timestamp with time zone') }} as created_at,
        {{ fw_column(source_columns, 'updated_at', 'timestamp with time zone') }} as updated_at

    from source

),

final as (

    select
        {{ fw_key('source_system', 'source_account', 'feedback_id') }} as feedback_key,
        renamed.*
    from renamed

)

select * from final
