{%- set source_relation = source('product7', 'deletions') -%}
{%- set source_columns = fw_source_columns(source_relation) -%}

with

source as (

    select * from {{ fw_source_or_empty(source_relation) }}

),

renamed as (

    select
        -- ids
        {{ fw_column(source_columns, 'id', 'varchar') }} as deleted_id,

        -- strings
        'product7' as source_system,
        {{ fw_column(source_columns, 'source_account', 'varchar') }} as source_account,
        {{ fw_column(source_columns, 'entity', 'varchar') }} as entity,

        -- timestamps
        {{ fw_column(source_columns, 'deleted_at', 'timestamp with time zone') }} as deleted_at

    from source

),

final as (

    select
        {{ fw_key('source_system', 'source_account', ['entity', 'deleted_id']) }} as deletion_key,
        renamed.*
    from renamed

)

select * from final
