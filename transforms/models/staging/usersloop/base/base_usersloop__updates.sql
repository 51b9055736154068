{%- set source_relation = source('usersloop', 'updates') -%}
{%- set source_columns = fw_source_columns(source_relation) -%}
{%- set details_relation = source('usersloop', 'update_details') -%}
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
        {{ fw_column(source_columns, 'id', 'varchar') }} as update_id,

        -- strings
        'usersloop' as source_system,
        {{ fw_column(source_columns, 'source_account', 'varchar') }} as source_account,
        {{ fw_column(source_columns, 'title', 'varchar') }} as title,
        {{ fw_column(source_columns, 'details', 'varchar') }} as details_html,
        {{ fw_column(source_columns, 'status', 'varchar') }} as status,

        -- booleans
        {{ fw_column(source_columns, 'notify_everyone', 'boolean') }} as is_notifying_everyone,
        {{ fw_column(source_columns, 'status', 'varchar') }} = 'published' as is_published,

        -- timestamps
        {{ fw_column(source_columns, 'schedule_at', 'timestamp with time zone') }} as scheduled_at,
        {{ fw_column(source_columns, 'published_at', 'timestamp with time zone') }} as published_at,
        {{ fw_column(source_columns, 'created_at', 'timestamp with time zone') }} as created_at,
        {{ fw_column(source_columns, 'updated_at', 'timestamp with time zone') }} as updated_at

    from source

),

details_renamed as (

    -- what GET /updates/{id} adds, read when the update was new or changed
    select
        {{ fw_column(details_columns, 'id', 'varchar') }} as update_id,
        {{ fw_column(details_columns, 'source_account', 'varchar') }} as source_account,
        {{ fw_json_column(details_columns, 'tags') }} as tags_json,
        {{ fw_json_column(details_columns, 'feedback') }} as feedback_json,
        {{ fw_json_column(details_columns, 'roadmap') }} as roadmap_json
    from details_source

),

final as (

    select
        {{ fw_key('renamed.source_system', 'renamed.source_account', 'renamed.update_id') }} as update_key,
        renamed.*,
        details_renamed.tags_json,
        details_renamed.feedback_json,
        details_renamed.roadmap_json
    from renamed
    left join details_renamed
        on renamed.source_account = details_renamed.source_account
        and renamed.update_id = details_renamed.update_id

)

select * from final
