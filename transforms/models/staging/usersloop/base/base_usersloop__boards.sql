{%- set source_relation = source('usersloop', 'boards') -%}
{%- set source_columns = fw_source_columns(source_relation) -%}

with

source as (

    select * from {{ fw_source_or_empty(source_relation) }}

),

renamed as (

    select
        -- ids
        {{ fw_column(source_columns, 'id', 'varchar') }} as board_id,

        -- strings
        'usersloop' as source_system,
        {{ fw_column(source_columns, 'source_account', 'varchar') }} as source_account,
        {{ fw_column(source_columns, 'name', 'varchar') }} as board_name,
        {{ fw_column(source_columns, 'description', 'varchar') }} as description,
        {{ fw_column(source_columns, 'color', 'varchar') }} as color,
        {{ fw_column(source_columns, 'visibility', 'varchar') }} as visibility,

        -- numbers
        {{ fw_column(source_columns, 'open_feedbacks_count', 'bigint') }} as open_feedbacks_count,

        -- booleans
        {{ fw_column(source_columns, 'visibility', 'varchar') }} = 'public' as is_public,

        -- timestamps
        {{ fw_column(source_columns, 'created_at', 'timestamp with time zone') }} as created_at,
        {{ fw_column(source_columns, 'updated_at', 'timestamp with time zone') }} as updated_at

    from source

),

final as (

    select
        {{ fw_key('source_system', 'source_account', 'board_id') }} as board_key,
        renamed.*
    from renamed

)

select * from final
