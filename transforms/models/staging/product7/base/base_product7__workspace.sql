{%- set source_relation = source('product7', 'workspace') -%}
{%- set source_columns = fw_source_columns(source_relation) -%}

with

source as (

    select * from {{ fw_source_or_empty(source_relation) }}

),

renamed as (

    select
        -- ids
        {{ fw_column(source_columns, 'id', 'varchar') }} as workspace_id,

        -- strings
        'product7' as source_system,
        {{ fw_column(source_columns, 'source_account', 'varchar') }} as source_account,
        {{ fw_column(source_columns, 'name', 'varchar') }} as workspace_name,
        {{ fw_column(source_columns, 'domain', 'varchar') }} as workspace_domain,
        {{ fw_column(source_columns, '_dlt_load_id', 'varchar') }} as dlt_load_id

    from source

),

final as (

    select
        {{ fw_key('source_system', 'source_account', 'workspace_id') }} as workspace_key,
        renamed.*
    from renamed

)

select * from final
