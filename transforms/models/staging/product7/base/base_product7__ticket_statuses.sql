{%- set source_relation = source('product7', 'ticket_statuses') -%}
{%- set source_columns = fw_source_columns(source_relation) -%}

with

source as (

    select * from {{ fw_source_or_empty(source_relation) }}

),

renamed as (

    select
        -- ids
        {{ fw_column(source_columns, 'id', 'varchar') }} as status_id,

        -- strings
        'product7' as source_system,
        {{ fw_column(source_columns, 'source_account', 'varchar') }} as source_account,
        {{ fw_column(source_columns, 'name', 'varchar') }} as status_name,
        {{ fw_column(source_columns, 'color_code', 'varchar') }} as status_color,
        {{ fw_column(source_columns, 'icon_name', 'varchar') }} as status_icon,
        {{ fw_column(source_columns, '_dlt_load_id', 'varchar') }} as dlt_load_id,

        -- numbers
        {{ fw_column(source_columns, 'position', 'bigint') }} as position,

        -- booleans
        {{ fw_column(source_columns, 'closes_ticket', 'boolean') }} as closes_ticket

    from source

),

final as (

    select
        {{ fw_key('source_system', 'source_account', 'status_id') }} as ticket_status_key,
        renamed.*
    from renamed

)

select * from final
