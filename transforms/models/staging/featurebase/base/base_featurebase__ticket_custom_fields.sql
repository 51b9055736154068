{%- set source_relation = source('featurebase', 'ticket_custom_fields') -%}
{%- set source_columns = fw_source_columns(source_relation) -%}

with

source as (

    select * from {{ fw_source_or_empty(source_relation) }}

),

renamed as (

    select
        -- ids
        {{ fw_column(source_columns, 'id', 'varchar') }} as custom_field_id,

        -- strings
        'featurebase' as source_system,
        {{ fw_column(source_columns, 'source_account', 'varchar') }} as source_account,
        {{ fw_column(source_columns, 'label', 'varchar') }} as label,
        {{ fw_column(source_columns, 'type', 'varchar') }} as field_type,
        {{ fw_json_column(source_columns, 'options') }} as options,

        -- booleans
        {{ fw_column(source_columns, 'required', 'boolean') }} as is_required,
        {{ fw_column(source_columns, 'public', 'boolean') }} as is_public,
        {{ fw_column(source_columns, 'internal', 'boolean') }} as is_internal,

        -- timestamps
        {{ fw_column(source_columns, 'created_at', 'timestamp with time zone') }} as created_at,
        {{ fw_column(source_columns, 'updated_at', 'timestamp with time zone') }} as updated_at

    from source

),

final as (

    select
        {{ fw_key('source_system', 'source_account', 'custom_field_id') }} as custom_field_key,
        renamed.*
    from renamed

)

select * from final
