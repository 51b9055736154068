{%- set source_relation = source('usersloop', 'feedback_boards') -%}
{%- set source_columns = fw_source_columns(source_relation) -%}

with

source as (

    select * from {{ fw_source_or_empty(source_relation) }}

),

renamed as (

    select
        -- ids
        {{ fw_column(source_columns, 'feedback_id', 'varchar') }} as feedback_id,
        {{ fw_column(source_columns, 'primary_board_id', 'varchar') }} as primary_board_id,

        -- strings
        'usersloop' as source_system,
        {{ fw_column(source_columns, 'source_account', 'varchar') }} as source_account,
        -- the item's boards in the vendor's order, a JSON array of {id, name}
        {{ fw_json_column(source_columns, 'boards') }} as boards_json,
        {{ fw_column(source_columns, 'boards_from', 'varchar') }} as boards_from

    from source

),

final as (

    select
        {{ fw_key('source_system', 'source_account', 'feedback_id') }} as feedback_key,
        renamed.*
    from renamed

)

select * from final
