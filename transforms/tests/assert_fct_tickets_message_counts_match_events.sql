-- The message counts on fct_tickets add up to the events of those types in fct_ticket_events.
with

fct_tickets as (

    select * from {{ ref('fct_tickets') }}

),

fct_ticket_events as (

    select * from {{ ref('fct_ticket_events') }}

),

message_totals_on_tickets as (

    select
        sum(customer_message_count + agent_reply_count + internal_note_count + bot_message_count) as message_count
    from fct_tickets

),

message_totals_in_events as (

    select count(*) as message_count
    from fct_ticket_events
    where event_type in ('customer_message', 'agent_reply', 'internal_note', 'bot_message')

),

final as (

    select
        message_totals_on_tickets.message_count as ticket_message_count,
        message_totals_in_events.message_count as event_message_count
    from message_totals_on_tickets
    cross join message_totals_in_events
    where coalesce(message_totals_on_tickets.message_count, 0) != message_totals_in_events.message_count

)

select * from final
