-- Every vendor's ticket events with the author's kind (author_kinds seed) and the canonical event type decided
-- from it (fw_event_type); events of a deleted ticket carry its deletion.
with

ticket_events as (

    select * from {{ ref('int_ticket_events_unioned') }}

),

author_kinds as (

    select * from {{ ref('author_kinds') }}

),

tickets as (

    select * from {{ ref('int_tickets') }}

),

events_with_author_kind as (

    select
        ticket_events.*,
        -- no author (a status change, an assignment by the system) or an unknown author type: system, never a
        -- human reply; the warn-level test lists unknown author types
        coalesce(author_kinds.author_kind, 'system') as author_kind,
        ticket_events.author_type is not null and author_kinds.author_kind is null as is_author_type_unmapped
    from ticket_events
    left join author_kinds
        on ticket_events.source_system = author_kinds.source_system
        and ticket_events.author_type = author_kinds.author_type

),

final as (

    select
        events_with_author_kind.*,
        {{ fw_event_type('events_with_author_kind.message_kind', 'events_with_author_kind.author_kind') }}
            as event_type,
        coalesce(tickets.is_deleted, false) as is_deleted
    from events_with_author_kind
    left join tickets
        on events_with_author_kind.ticket_key = tickets.ticket_key

)

select * from final
