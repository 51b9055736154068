{#-
    Product7 tickets as listed. `assignees` is an array: its first element is the ticket's (primary) assignee,
    read with the JSON operators both engines share (`json -> 0 ->> 'id'`), since fw_json_text paths are
    object keys only.
-#}
{%- set source_relation = source('product7', 'tickets') -%}
{%- set source_columns = fw_source_columns(source_relation) -%}

with

source as (

    select * from {{ fw_source_or_empty(source_relation) }}

),

renamed as (

    select
        -- ids
        {{ fw_column(source_columns, 'uuid', 'varchar') }} as ticket_id,
        {{ fw_column(source_columns, 'id', 'varchar') }} as ticket_label,
        {{ fw_json_field(source_columns, 'status', 'id', 'varchar') }} as status_id,
        {{ fw_json_field(source_columns, 'type', 'id', 'varchar') }} as type_id,
        {%- if 'assignees' in source_columns %}
        cast(cast({{ adapter.quote('assignees') }} as {{ fw_type_json() }}) -> 0 ->> 'id' as varchar) as assignee_id,
        {%- else %}
        cast(null as varchar) as assignee_id,
        {%- endif %}

        -- strings
        'product7' as source_system,
        {{ fw_column(source_columns, 'source_account', 'varchar') }} as source_account,
        {{ fw_column(source_columns, 'title', 'varchar') }} as title,
        {{ fw_column(source_columns, 'stage', 'varchar') }} as stage,
        {{ fw_column(source_columns, 'priority', 'varchar') }} as priority,
        {{ fw_json_field(source_columns, 'type', 'name', 'varchar') }} as type_name,
        {{ fw_json_field(source_columns, 'status', 'name', 'varchar') }} as status_name,
        {{ fw_json_field(source_columns, 'requester', 'name', 'varchar') }} as requester_name,
        {{ fw_json_field(source_columns, 'requester', 'email', 'varchar') }} as requester_email,
        {{ fw_json_column(source_columns, 'assignees') }} as assignees,
        {{ fw_json_column(source_columns, 'tags') }} as tags,
        {{ fw_column(source_columns, '_dlt_load_id', 'varchar') }} as dlt_load_id,

        -- numbers
        {{ fw_column(source_columns, 'number', 'bigint') }} as ticket_number,

        -- booleans
        {{ fw_json_field(source_columns, 'status', 'closes_ticket', 'boolean') }} as status_closes_ticket,

        -- timestamps
        {{ fw_column(source_columns, 'created_at', 'timestamp with time zone') }} as created_at,
        {{ fw_column(source_columns, 'updated_at', 'timestamp with time zone') }} as updated_at,
        {{ fw_column(source_columns, 'last_activity_at', 'timestamp with time zone') }} as last_activity_at

    from source

),

final as (

    select
        {{ fw_key('source_system', 'source_account', 'ticket_id') }} as ticket_key,
        renamed.*
    from renamed

)

select * from final
