{#-
    Product7 ticket activities, the author and the `changes` object unpacked. `changes` depends on the type:
    status_change {from_status_id, to_status_id}, stage_change and priority_change {from, to}, assignment
    {assignee_ids}; its first assignee is read with the JSON operators both engines share.
-#}
{%- set source_relation = source('product7', 'ticket_activities') -%}
{%- set source_columns = fw_source_columns(source_relation) -%}

with

source as (

    select * from {{ fw_source_or_empty(source_relation) }}

),

renamed as (

    select
        -- ids
        {{ fw_column(source_columns, 'id', 'varchar') }} as activity_id,
        {{ fw_column(source_columns, 'ticket_uuid', 'varchar') }} as ticket_id,
        {{ fw_json_field(source_columns, 'author', 'id', 'varchar') }} as author_id,
        {{ fw_json_field(source_columns, 'changes', 'from_status_id', 'varchar') }} as from_status_id,
        {{ fw_json_field(source_columns, 'changes', 'to_status_id', 'varchar') }} as to_status_id,
        {%- if 'changes' in source_columns %}
        cast(cast({{ adapter.quote('changes') }} as {{ fw_type_json() }}) -> 'assignee_ids' ->> 0 as varchar) as first_assignee_id,
        {%- else %}
        cast(null as varchar) as first_assignee_id,
        {%- endif %}

        -- strings
        'product7' as source_system,
        {{ fw_column(source_columns, 'source_account', 'varchar') }} as source_account,
        {{ fw_column(source_columns, 'type', 'varchar') }} as activity_type,
        {{ fw_column(source_columns, 'content', 'varchar') }} as content,
        {{ fw_json_field(source_columns, 'author', 'kind', 'varchar') }} as author_kind,
        {{ fw_json_field(source_columns, 'author', 'name', 'varchar') }} as author_name,
        {{ fw_json_field(source_columns, 'author', 'email', 'varchar') }} as author_email,
        {{ fw_json_field(source_columns, 'changes', 'from', 'varchar') }} as changed_from,
        {{ fw_json_field(source_columns, 'changes', 'to', 'varchar') }} as changed_to,
        {{ fw_json_column(source_columns, 'changes') }} as changes,
        {{ fw_column(source_columns, '_dlt_load_id', 'varchar') }} as dlt_load_id,

        -- numbers
        {{ fw_column(source_columns, 'ticket_number', 'bigint') }} as ticket_number,
        {{ fw_column(source_columns, 'position', 'bigint') }} as position,

        -- timestamps
        {{ fw_column(source_columns, 'timestamp', 'timestamp with time zone') }} as occurred_at

    from source

),

final as (

    select
        {{ fw_key('source_system', 'source_account', ['ticket_id', 'activity_id']) }} as ticket_activity_key,
        {{ fw_key('source_system', 'source_account', 'ticket_id') }} as ticket_key,
        renamed.*
    from renamed

)

select * from final
