{%- set source_relation = source('product7', 'members') -%}
{%- set source_columns = fw_source_columns(source_relation) -%}

with

source as (

    select * from {{ fw_source_or_empty(source_relation) }}

),

renamed as (

    select
        -- ids
        {{ fw_column(source_columns, 'id', 'varchar') }} as member_id,

        -- strings
        'product7' as source_system,
        {{ fw_column(source_columns, 'source_account', 'varchar') }} as source_account,
        {{ fw_column(source_columns, 'full_name', 'varchar') }} as member_name,
        {{ fw_column(source_columns, 'email', 'varchar') }} as member_email,
        {{ fw_column(source_columns, 'picture', 'varchar') }} as picture_url,
        {{ fw_column(source_columns, '_dlt_load_id', 'varchar') }} as dlt_load_id

    from source

),

final as (

    select
        {{ fw_key('source_system', 'source_account', 'member_id') }} as member_key,
        renamed.*
    from renamed

)

select * from final
