{%- set source_relation = source('featurebase', 'posts') -%}
{%- set source_columns = fw_source_columns(source_relation) -%}

with

source as (

    select * from {{ fw_source_or_empty(source_relation) }}

),

renamed as (

    select
        -- ids
        {{ fw_column(source_columns, 'id', 'varchar') }} as post_id,
        {{ fw_column(source_columns, 'board_id', 'varchar') }} as board_id,
        {{ fw_json_field(source_columns, 'author', 'id', 'varchar') }} as author_id,
        {{ fw_json_field(source_columns, 'status', 'id', 'varchar') }} as status_id,

        -- strings
        'featurebase' as source_system,
        {{ fw_column(source_columns, 'source_account', 'varchar') }} as source_account,
        {{ fw_column(source_columns, 'slug', 'varchar') }} as slug,
        {{ fw_column(source_columns, 'post_url', 'varchar') }} as post_url,
        {{ fw_column(source_columns, 'title', 'varchar') }} as title,
        {{ fw_column(source_columns, 'content', 'varchar') }} as content_html,
        {{ fw_json_field(source_columns, 'author', 'name', 'varchar') }} as author_name,
        {{ fw_json_field(source_columns, 'author', 'email', 'varchar') }} as author_email,
        {{ fw_json_field(source_columns, 'author', 'type', 'varchar') }} as author_type,
        {{ fw_json_field(source_columns, 'status', 'name', 'varchar') }} as status_name,
        {{ fw_json_field(source_columns, 'status', 'type', 'varchar') }} as status_type,
        {{ fw_json_field(source_columns, 'status', 'color', 'varchar') }} as status_color,
        {{ fw_json_column(source_columns, 'tags') }} as tags,
        {{ fw_json_column(source_columns, 'custom_fields') }} as custom_fields,
        {{ fw_column(source_columns, 'eta', 'varchar') }} as eta,
        {{ fw_column(source_columns, '_dlt_load_id', 'varchar') }} as dlt_load_id,

        -- numbers
        {{ fw_column(source_columns, 'upvotes', 'bigint') }} as upvotes,
        {{ fw_column(source_columns, 'comment_count', 'bigint') }} as comment_count,

        -- booleans
        {{ fw_column(source_columns, 'in_review', 'boolean') }} as is_in_review,

        -- timestamps
        {{ fw_column(source_columns, 'created_at', 'timestamp with time zone') }} as created_at,
        {{ fw_column(source_columns, 'updated_at', 'timestamp with time zone') }} as updated_at

    from source

),

final as (

    select
        {{ fw_key('source_system', 'source_account', 'post_id') }} as post_key,
        renamed.*
    from renamed

)

select * from final
