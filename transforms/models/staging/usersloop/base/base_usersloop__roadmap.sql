{%- set source_relation = source('usersloop', 'roadmap') -%}
{%- set source_columns = fw_source_columns(source_relation) -%}
{%- set details_relation = source('usersloop', 'roadmap_details') -%}
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
        {{ fw_column(source_columns, 'id', 'varchar') }} as roadmap_item_id,

        -- strings
        'usersloop' as source_system,
        {{ fw_column(source_columns, 'source_account', 'varchar') }} as source_account,
        {{ fw_column(source_columns, 'name', 'varchar') }} as roadmap_item_name,
        {{ fw_column(source_columns, 'details', 'varchar') }} as details,
        {{ fw_column(source_columns, 'status', 'varchar') }} as status,

        -- numbers
        {{ fw_column(source_columns, 'difficulty', 'integer') }} as difficulty,
        {{ fw_column(source_columns, 'impact', 'integer') }} as impact,

        -- timestamps
        {{ fw_column(source_columns, 'created_at', 'timestamp with time zone') }} as created_at,
        {{ fw_column(source_columns, 'updated_at', 'timestamp with time zone') }} as updated_at

    from source

),

details_renamed as (

    -- what GET /roadmap/{id} adds, read when the item was new or changed
    select
        {{ fw_column(details_columns, 'id', 'varchar') }} as roadmap_item_id,
        {{ fw_column(details_columns, 'source_account', 'varchar') }} as source_account,
        {{ fw_json_column(details_columns, 'tags') }} as tags_json,
        {{ fw_json_column(details_columns, 'feedback') }} as feedback_json
    from details_source

),

final as (

    select
        {{ fw_key('renamed.source_system', 'renamed.source_account', 'renamed.roadmap_item_id') }} as roadmap_item_key,
        renamed.*,
        details_renamed.tags_json,
        details_renamed.feedback_json
    from renamed
    left join details_renamed
        on renamed.source_account = details_renamed.source_account
        and renamed.roadmap_item_id = details_renamed.roadmap_item_id

)

select * from final
