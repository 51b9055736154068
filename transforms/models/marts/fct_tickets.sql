with

tickets as (

    select * from {{ ref('int_tickets') }}

),

ticket_metrics as (

    select * from {{ ref('int_ticket_metrics') }}

),

ticket_business_minutes as (

    select * from {{ ref('int_ticket_business_minutes') }}

),

final as (

    select
        tickets.ticket_key,
        tickets.source_system,
        tickets.source_account,
        tickets.ticket_id,
        tickets.ticket_number,
        tickets.title,
        tickets.status_id,
        tickets.status_name,
        tickets.status_type,
        tickets.status_category,
        tickets.is_status_unmapped,
        ticket_metrics.priority in ('high', 'urgent') as is_priority,
        ticket_metrics.priority,
        tickets.category_id,
        tickets.category_name,
        tickets.requester_id,
        {{ fw_email('tickets.requester_email') }} as requester_email,
        {{ fw_person_key('tickets.requester_email') }} as requester_person_key,
        tickets.requester_name,
        tickets.requester_type,
        tickets.assignee_id,
        tickets.team_assignee_id,
        tickets.company_id,
        tickets.ticket_url,
        tickets.created_at,
        tickets.updated_at,
        ticket_metrics.first_response_at,
        ticket_metrics.first_response_minutes,
        ticket_business_minutes.first_response_business_minutes,
        ticket_metrics.resolved_at,
        ticket_metrics.resolution_minutes,
        ticket_business_minutes.resolution_business_minutes,
        ticket_metrics.reopen_count,
        ticket_metrics.customer_message_count,
        ticket_metrics.agent_reply_count,
        ticket_metrics.internal_note_count,
        ticket_metrics.bot_message_count,
        ticket_metrics.latest_csat_score,
        tickets.is_open,
        tickets.is_deleted,
        tickets.deleted_at
    from tickets
    left join ticket_metrics
        on tickets.ticket_key = ticket_metrics.ticket_key
    left join ticket_business_minutes
        on tickets.ticket_key = ticket_business_minutes.ticket_key

)

select * from final
