with

ticket_events as (

    select * from {{ ref('int_ticket_events_unioned') }}

),

final as (

    select
        event_key,
        ticket_key,
        source_system,
        source_account,
        ticket_id,
        part_id,
        position,
        part_type,
        event_type,
        author_id,
        author_type,
        channel,
        occurred_at,
        new_status,
        is_priority,
        assignee_id,
        csat_request_id,
        csat_score,
        body_markdown,
        is_redacted
    from ticket_events

)

select * from final
