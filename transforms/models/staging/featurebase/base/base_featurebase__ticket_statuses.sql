{%- set source_relation = source('featurebase', 'ticket_statuses') -%}
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
        'featurebase' as source_system,
        {{ fw_column(source_columns, 'source_account', 'varchar') }} as source_account,
        {{ fw_column(source_columns, 'name', 'varchar') }} as status_name,
        {{ fw_column(source_columns, 'type', 'varchar') }} as status_type,
        {{ fw_column(source_columns, 'color', 'varchar') }} as status_color,

        -- booleans
        {{ fw_column(source_columns, 'is_default', 'boolean') }} as is_default

    from source

),

final as (

    select
        {{ fw_key('source_system', 'source_account', 'status_id') }} as ticket_status_key,
        renamed.*
    from renamed

)

select * from final
