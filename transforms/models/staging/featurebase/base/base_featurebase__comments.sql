{%- set source_relation = source('featurebase', 'comments') -%}
{%- set source_columns = fw_source_columns(source_relation) -%}

with

source as (

    select * from {{ fw_source_or_empty(source_relation) }}

),

renamed as (

    select
        -- ids
        {{ fw_column(source_columns, 'id', 'varchar') }} as comment_id,
        {{ fw_column(source_columns, 'post_id', 'varchar') }} as post_id,
        {{ fw_column(source_columns, 'parent_comment_id', 'varchar') }} as parent_comment_id,
        {{ fw_json_field(source_columns, 'author', 'id', 'varchar') }} as author_id,

        -- strings
        'featurebase' as source_system,
        {{ fw_column(source_columns, 'source_account', 'varchar') }} as source_account,
        {{ fw_column(source_columns, 'content', 'varchar') }} as content_html,
        {{ fw_json_field(source_columns, 'author', 'name', 'varchar') }} as author_name,
        {{ fw_json_field(source_columns, 'author', 'email', 'varchar') }} as author_email,
        {{ fw_json_field(source_columns, 'author', 'type', 'varchar') }} as author_type,
        {{ fw_column(source_columns, '_dlt_load_id', 'varchar') }} as dlt_load_id,

        -- numbers
        {{ fw_column(source_columns, 'upvotes', 'bigint') }} as upvotes,
        {{ fw_column(source_columns, 'downvotes', 'bigint') }} as downvotes,

        -- booleans
        coalesce({{ fw_column(source_columns, 'is_private', 'boolean') }}, false) as is_private,

        -- timestamps
        {{ fw_column(source_columns, 'created_at', 'timestamp with time zone') }} as created_at,
        {{ fw_column(source_columns, 'updated_at', 'timestamp with time zone') }} as updated_at

    from source

),

final as (

    select
        {{ fw_key('source_system', 'source_account', 'comment_id') }} as comment_key,
        {{ fw_key('source_system', 'source_account', 'post_id') }} as post_key,
        renamed.*
    from renamed

)

select * from final
