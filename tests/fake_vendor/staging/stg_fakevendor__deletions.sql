{%- set source_relation = source('fakevendor', 'deletions') -%}
{%- set source_columns = fw_source_columns(source_relation) -%}

with

source as (

    select * from {{ fw_source_or_empty(source_relation) }}

),

final as (

    select
        'fakevendor' as source_system,
        {{ fw_column(source_columns, 'source_account', 'varchar') }} as source_account,
        {{ fw_column(source_columns, 'entity', 'varchar') }} as entity,
        {{ fw_column(source_columns, 'id', 'varchar') }} as deleted_id,
        {{ fw_column(source_columns, 'deleted_at', 'timestamp with time zone') }} as deleted_at
    from source

)

select * from final
