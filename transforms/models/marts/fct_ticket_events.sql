with

ticket_events as (

    select * from {{ ref('int_ticket_events_unioned') }}

),

tickets as (

    select * from {{ ref('int_tickets_unioned') }}

),

final as (

    select
        ticket_events.event_key,
        ticket_events.ticket_key,
        ticket_events.source_system,
        ticket_events.source_account,
        ticket_events.ticket_id,
        ticket_events.part_id,
        ticket_events.position,
        ticket_events.part_type,
        ticket_events.event_type,
        ticket_events.author_id,
        ticket_events.author_type,
        ticket_events.channel,
        ticket_events.occurred_at,
        ticket_events.new_status,
        ticket_events.is_priority,
        ticket_events.assignee_id,
        ticket_events.csat_request_id,
        ticket_events.csat_score,
        ticket_events.body_markdown,
        ticket_events.is_redacted,
        coalesce(tickets.is_deleted, false) as is_deleted
    from ticket_events
    left join tickets
        on ticket_events.ticket_key = tickets.ticket_key

)

select * from final
