{%- set source_relation = source('usersloop', 'helpdesk_articles') -%}
{%- set source_columns = fw_source_columns(source_relation) -%}
{%- set details_relation = source('usersloop', 'helpdesk_article_details') -%}
{%- set details_columns = fw_source_columns(details_relation) -%}

with

source as (

    select * from {{ fw_source_or_empty(source_relation) }}

),

details_source as (

    select * from {{ fw_source_or_empty(details_relation) }}

),

renamed as (

    select
        -- ids
        {{ fw_column(source_columns, 'id', 'varchar') }} as article_id,
        {{ fw_column(source_columns, 'category_id', 'varchar') }} as category_id,

        -- strings
        'usersloop' as source_system,
        {{ fw_column(source_columns, 'source_account', 'varchar') }} as source_account,
        {{ fw_column(source_columns, 'title', 'varchar') }} as title,
        {{ fw_column(source_columns, 'summary', 'varchar') }} as summary,
        {{ fw_column(source_columns, 'status', 'varchar') }} as status,

        -- booleans
        {{ fw_column(source_columns, 'is_pinned', 'boolean') }} as is_pinned,
        {{ fw_column(source_columns, 'status', 'varchar') }} = 'published' as is_published,

        -- timestamps
        {{ fw_column(source_columns, 'created_at', 'timestamp with time zone') }} as created_at,
        {{ fw_column(source_columns, 'updated_at', 'timestamp with time zone') }} as updated_at

    from source

),

details_renamed as (

    -- what GET /helpdesk/articles/{id} adds, read when the article was new or changed
    select
        {{ fw_column(details_columns, 'id', 'varchar') }} as article_id,
        {{ fw_column(details_columns, 'source_account', 'varchar') }} as source_account,
        {{ fw_column(details_columns, 'content_json', 'varchar') }} as content_json,
        {{ fw_json_column(details_columns, 'tags') }} as tags_json
    from details_source

),

final as (

    select
        {{ fw_key('renamed.source_system', 'renamed.source_account', 'renamed.article_id') }} as article_key,
        {{ fw_key('renamed.source_system', 'renamed.source_account', 'renamed.category_id') }} as category_key,
        renamed.*,
        details_renamed.content_json,
        details_renamed.tags_json
    from renamed
    left join details_renamed
        on renamed.source_account = details_renamed.source_account
        and renamed.article_id = details_renamed.article_id

)

select * from final
