{%- set source_relation = source('product7', 'feedback') -%}
{%- set source_columns = fw_source_columns(source_relation) -%}

with

source as (

    select * from {{ fw_source_or_empty(source_relation) }}

),

renamed as (

    select
        -- ids
        {{ fw_column(source_columns, 'id', 'varchar') }} as feedback_id,
        {{ fw_json_field(source_columns, 'board', 'id', 'varchar') }} as board_id,
        {{ fw_json_field(source_columns, 'category', 'id', 'varchar') }} as category_id,
        {{ fw_json_field(source_columns, 'author', 'id', 'varchar') }} as author_id,

        -- strings
        'product7' as source_system,
        {{ fw_column(source_columns, 'source_account', 'varchar') }} as source_account,
        {{ fw_column(source_columns, 'title', 'varchar') }} as title,
        {{ fw_column(source_columns, 'content', 'varchar') }} as content,
        {{ fw_json_field(source_columns, 'board', 'name', 'varchar') }} as board_name,
        {{ fw_json_field(source_columns, 'category', 'name', 'varchar') }} as category_name,
        {{ fw_json_field(source_columns, 'author', 'name', 'varchar') }} as author_name,
        {{ fw_json_field(source_columns, 'author', 'email', 'varchar') }} as author_email,
        {{ fw_column(source_columns, 'status', 'varchar') }} as status,
        {{ fw_column(source_columns, 'url', 'varchar') }} as feedback_url,
        {{ fw_column(source_columns, 'url_slug', 'varchar') }} as url_slug,
        {{ fw_json_column(source_columns, 'tags') }} as tags,
        {{ fw_column(source_columns, '_dlt_load_id', 'varchar') }} as dlt_load_id,

        -- numbers
        {{ fw_column(source_columns, 'vote_count', 'bigint') }} as vote_count,
        {{ fw_column(source_columns, 'comment_count', 'bigint') }} as comment_count,

        -- timestamps
        {{ fw_column(source_columns, 'created_at', 'timestamp with time zone') }} as created_at,
        {{ fw_column(source_columns, 'updated_at', 'timestamp with time zone') }} as updated_at

    from source

),

final as (

    select
        {{ fw_key('source_system', 'source_account', 'feedback_id') }} as feedback_key,
        renamed.*
    from renamed

)

select * from final
