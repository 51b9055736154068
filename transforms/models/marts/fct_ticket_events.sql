with

ticket_events as (

    select * from {{ ref('int_ticket_events') }}

),

final as (

    select
        event_key,
        ticket_key,
        source_system,
        source_account,
        ticket_id,
        event_id as part_id,
        position,
        part_type,
        message_kind,
        event_type,
        author_id,
        author_type,
        author_kind,
        author_name,
        channel,
        occurred_at,
        new_status,
        status_state,
        case when new_priority is not null then new_priority in ('high', 'urgent') end as is_priority,
        new_priority,
        assignee_id,
        csat_request_id,
        csat_score,
        body as body_markdown,
        is_redacted,
        is_deleted
    from ticket_events

)

select * from final
