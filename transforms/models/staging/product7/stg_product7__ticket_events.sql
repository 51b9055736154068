-- Product7 activities in the canonical ticket-event shape (fw_contract('ticket_events')). The activity type says
-- what kind of event it is; who wrote a message (author.kind, mapped by the shared author_kinds seed) decides
-- whether a comment or reply is a customer message, an agent reply or a bot message. A status change opens or
-- closes the ticket by its target status's closes_ticket; a stage change moves neither (no status_state).
with

activities as (

    select * from {{ ref('base_product7__ticket_activities') }}

),

ticket_statuses as (

    select * from {{ ref('base_product7__ticket_statuses') }}

),

final as (

    select
        activities.ticket_activity_key as event_key,
        activities.ticket_key,
        activities.source_system,
        activities.source_account,
        activities.ticket_id,
        activities.activity_id as event_id,
        activities.position,
        activities.activity_type as part_type,
        case
            when activities.activity_type in ('comment', 'reply') then 'message'
            when activities.activity_type = 'internal_note' then 'note'
            when activities.activity_type in ('status_change', 'stage_change') then 'status'
            when activities.activity_type = 'assignment' then 'assignment'
            else 'other'
        end as message_kind,
        activities.author_kind as author_type,
        activities.author_id,
        activities.author_name,
        activities.author_email,
        cast(null as varchar) as channel,
        activities.occurred_at,
        case
            when activities.activity_type = 'status_change'
                then coalesce(target_statuses.status_name, activities.to_status_id)
            when activities.activity_type = 'stage_change' then activities.changed_to
        end as new_status,
        -- an unknown target status closes nothing: the ticket stays open
        case
            when activities.activity_type = 'status_change'
                then case when coalesce(target_statuses.closes_ticket, false) then 'closed' else 'open' end
        end as status_state,
        case when activities.activity_type = 'priority_change' then activities.changed_to end as new_priority,
        case when activities.activity_type = 'assignment' then activities.first_assignee_id end as assignee_id,
        -- Product7 has no CSAT
        cast(null as varchar) as csat_request_id,
        cast(null as varchar) as csat_channel,
        cast(null as varchar) as csat_status,
        cast(null as integer) as csat_score,
        cast(null as varchar) as csat_remark,
        cast(null as varchar) as csat_rated_agent_id,
        cast(null as varchar) as csat_rated_agent_type,
        cast(null as timestamp with time zone) as csat_requested_at,
        cast(null as timestamp with time zone) as csat_rated_at,
        activities.content as body,
        false as is_redacted
    from activities
    left join ticket_statuses as target_statuses
        on activities.source_account = target_statuses.source_account
        and activities.to_status_id = target_statuses.status_id

)

select * from final
