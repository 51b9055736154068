{%- set source_relation = source('usersloop', 'helpdesk_categories') -%}
{%- set source_columns = fw_source_columns(source_relation) -%}

with

source as (

    select * from {{ fw_source_or_empty(source_relation) }}

),

renamed as (

    select
        -- ids
        {{ fw_column(source_columns, 'id', 'varchar') }} as category_id,

        -- strings
        'usersloop' as source_system,
        {{ fw_column(source_columns, 'source_account', 'varchar') }} as source_account,
        {{ fw_column(source_columns, 'name', 'varchar') }} as category_name,
        {{ fw_column(source_columns, 'slug', 'varchar') }} as slug,
        {{ fw_column(source_columns, 'description', 'varchar') }} as description,

        -- numbers
        {{ fw_column(source_columns, 'position', 'integer') }} as position,
        {{ fw_column(source_columns, 'articles_count', 'bigint') }} as articles_count,

        -- booleans
        {{ fw_column(source_columns, 'is_public', 'boolean') }} as is_public,

        -- timestamps
        {{ fw_column(source_columns, 'created_at', 'timestamp with time zone') }} as created_at

    from source

),

final as (

    select
        {{ fw_key('source_system', 'source_account', 'category_id') }} as category_key,
        renamed.*
    from renamed

)

select * from final
