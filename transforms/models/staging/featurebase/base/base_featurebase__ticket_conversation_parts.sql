{%- set source_relation = source('featurebase', 'ticket_conversation_parts') -%}
{%- set source_columns = fw_source_columns(source_relation) -%}

with

source as (

    select * from {{ fw_source_or_empty(source_relation) }}

),

renamed as (

    select
        -- ids
        {{ fw_column(source_columns, 'id', 'varchar') }} as part_id,
        {{ fw_column(source_columns, 'ticket_id', 'varchar') }} as ticket_id,
        {{ fw_json_field(source_columns, 'author', 'id', 'varchar') }} as author_id,
        {{ fw_column(source_columns, 'admin_assignee_id', 'varchar') }} as admin_assignee_id,
        {{ fw_column(source_columns, 'admin_assigner_id', 'varchar') }} as admin_assigner_id,
        {{ fw_column(source_columns, 'team_assignee_id', 'varchar') }} as team_assignee_id,
        {{ fw_column(source_columns, 'tag_id', 'varchar') }} as tag_id,
        {{ fw_column(source_columns, 'target_part_id', 'varchar') }} as target_part_id,
        {{ fw_column(source_columns, 'selected_option_id', 'varchar') }} as selected_option_id,
        {{ fw_json_field(source_columns, 'participant', 'id', 'varchar') }} as participant_id,
        {{ fw_json_field(source_columns, 'csat', 'requestId', 'varchar') }} as csat_request_id,
        {{ fw_json_field(source_columns, 'csat', 'ratedAgent.id', 'varchar') }} as csat_rated_agent_id,

        -- strings
        'featurebase' as source_system,
        {{ fw_column(source_columns, 'source_account', 'varchar') }} as source_account,
        {{ fw_column(source_columns, 'part_type', 'varchar') }} as part_type,
        {{ fw_column(source_columns, 'channel', 'varchar') }} as channel,
        {{ fw_json_field(source_columns, 'author', 'type', 'varchar') }} as author_type,
        {{ fw_json_field(source_columns, 'author', 'email', 'varchar') }} as author_email,
        {{ fw_json_field(source_columns, 'author', 'name', 'varchar') }} as author_name,
        {{ fw_column(source_columns, 'body_html', 'varchar') }} as body_html,
        {{ fw_column(source_columns, 'body_markdown', 'varchar') }} as body_markdown,
        {{ fw_column(source_columns, 'status', 'varchar') }} as new_status,
        {{ fw_column(source_columns, 'action', 'varchar') }} as tag_action,
        {{ fw_column(source_columns, 'tag_name', 'varchar') }} as tag_name,
        {{ fw_json_field(source_columns, 'participant', 'type', 'varchar') }} as participant_type,
        {{ fw_json_field(source_columns, 'workflow_wait', 'eventType', 'varchar') }} as workflow_wait_event_type,
        {{ fw_json_field(source_columns, 'csat', 'channel', 'varchar') }} as csat_channel,
        {{ fw_json_field(source_columns, 'csat', 'status', 'varchar') }} as csat_status,
        {{ fw_json_field(source_columns, 'csat', 'requestSource', 'varchar') }} as csat_request_source,
        {{ fw_json_field(source_columns, 'csat', 'ratedAgent.type', 'varchar') }} as csat_rated_agent_type,
        {{ fw_json_field(source_columns, 'csat', 'remark', 'varchar') }} as csat_remark,
        {{ fw_column(source_columns, '_dlt_load_id', 'varchar') }} as dlt_load_id,

        -- numbers
        {{ fw_column(source_columns, 'ticket_number', 'bigint') }} as ticket_number,
        {{ fw_column(source_columns, 'position', 'bigint') }} as position,
        cast({{ fw_json_field(source_columns, 'csat', 'score', 'double precision') }} as integer) as csat_score,

        -- booleans
        coalesce({{ fw_column(source_columns, 'redacted', 'boolean') }}, false) as is_redacted,
        {{ fw_column(source_columns, 'is_priority', 'boolean') }} as is_priority,

        -- timestamps
        {{ fw_column(source_columns, 'created_at', 'timestamp with time zone') }} as created_at,
        {{ fw_column(source_columns, 'updated_at', 'timestamp with time zone') }} as updated_at,
        {{ fw_column(source_columns, 'occurred_at', 'timestamp with time zone') }} as tag_changed_at,
        {{ fw_column(source_columns, 'snoozed_until', 'timestamp with time zone') }} as snoozed_until,
        {{ fw_json_field(source_columns, 'workflow_wait', 'occurredAt', 'timestamp with time zone') }} as workflow_wait_occurred_at,
        {{ fw_json_field(source_columns, 'csat', 'requestedAt', 'timestamp with time zone') }} as csat_requested_at,
        {{ fw_json_field(source_columns, 'csat', 'ratedAt', 'timestamp with time zone') }} as csat_rated_at

    from source

),

final as (

    select
        {{ fw_key('source_system', 'source_account', ['ticket_id', 'part_id']) }} as ticket_conversation_part_key,
        {{ fw_key('source_system', 'source_account', 'ticket_id') }} as ticket_key,
        renamed.*
    from renamed

)

select * from final
