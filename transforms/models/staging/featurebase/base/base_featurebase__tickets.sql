{%- set source_relation = source('featurebase', 'tickets') -%}
{%- set source_columns = fw_source_columns(source_relation) -%}

with

source as (

    select * from {{ fw_source_or_empty(source_relation) }}

),

renamed as (

    select
        -- ids
        {{ fw_column(source_columns, 'id', 'varchar') }} as ticket_id,
        {{ fw_column(source_columns, 'ticket_category_id', 'varchar') }} as category_id,
        {{ fw_json_field(source_columns, 'status', 'id', 'varchar') }} as status_id,
        {{ fw_json_field(source_columns, 'author', 'id', 'varchar') }} as requester_id,
        {{ fw_column(source_columns, 'assignee_id', 'varchar') }} as assignee_id,
        {{ fw_column(source_columns, 'team_assignee_id', 'varchar') }} as team_assignee_id,
        {{ fw_column(source_columns, 'company_id', 'varchar') }} as company_id,

        -- strings
        'featurebase' as source_system,
        {{ fw_column(source_columns, 'source_account', 'varchar') }} as source_account,
        {{ fw_column(source_columns, 'title', 'varchar') }} as title,
        {{ fw_column(source_columns, 'content', 'varchar') }} as content_html,
        {{ fw_column(source_columns, 'category_type', 'varchar') }} as category_type,
        {{ fw_column(source_columns, 'ticket_url', 'varchar') }} as ticket_url,
        {{ fw_json_field(source_columns, 'status', 'name', 'varchar') }} as status_name,
        {{ fw_json_field(source_columns, 'status', 'type', 'varchar') }} as status_type,
        {{ fw_json_field(source_columns, 'status', 'color', 'varchar') }} as status_color,
        {{ fw_json_field(source_columns, 'author', 'email', 'varchar') }} as requester_email,
        {{ fw_json_field(source_columns, 'author', 'name', 'varchar') }} as requester_name,
        {{ fw_json_field(source_columns, 'author', 'type', 'varchar') }} as requester_type,
        {{ fw_json_column(source_columns, 'custom_fields') }} as custom_fields,
        {{ fw_column(source_columns, '_dlt_load_id', 'varchar') }} as dlt_load_id,

        -- numbers
        {{ fw_column(source_columns, 'ticket_number', 'bigint') }} as ticket_number,

        -- booleans
        {{ fw_column(source_columns, 'open', 'boolean') }} as is_open,

        -- timestamps
        {{ fw_column(source_columns, 'created_at', 'timestamp with time zone') }} as created_at,
        {{ fw_column(source_columns, 'updated_at', 'timestamp with time zone') }} as updated_at,
        {{ fw_column(source_columns, 'snoozed_until', 'timestamp with time zone') }} as snoozed_until

    from source

),

final as (

    select
        {{ fw_key('source_system', 'source_account', 'ticket_id') }} as ticket_key,
        renamed.*
    from renamed

)

select * from final
