-- Per ticket: first response, resolution, reopens, message counts by author kind, priority and latest CSAT,
-- by the definitions of transforms/DECISIONS.md, the same for every vendor.
with

tickets as (

    select * from {{ ref('int_tickets') }}

),

ticket_events as (

    select * from {{ ref('int_ticket_events') }}

),

first_agent_replies as (

    -- first response: the first customer-facing message by a human agent, at or after creation
    select
        tickets.ticket_key,
        min(ticket_events.occurred_at) as first_response_at
    from tickets
    inner join ticket_events
        on tickets.ticket_key = ticket_events.ticket_key
    where
        ticket_events.event_type = 'agent_reply'
        and ticket_events.occurred_at >= tickets.created_at
    group by tickets.ticket_key

),

open_and_close_events_with_previous_state as (

    select
        ticket_key,
        status_state,
        occurred_at,
        lag(status_state) over (
            partition by ticket_key
            order by position, occurred_at
        ) as previous_state
    from ticket_events
    where status_state in ('open', 'closed')

),

resolutions_and_reopens as (

    -- resolution: the first transition into a solved/closed status; a reopen: back to open after a close
    select
        ticket_key,
        min(case when status_state = 'closed' then occurred_at end) as resolved_at,
        count(case when status_state = 'open' and previous_state = 'closed' then 1 end) as reopen_count
    from open_and_close_events_with_previous_state
    group by ticket_key

),

message_counts as (

    select
        ticket_key,
        count(case when event_type = 'customer_message' then 1 end) as customer_message_count,
        count(case when event_type = 'agent_reply' then 1 end) as agent_reply_count,
        count(case when event_type = 'internal_note' then 1 end) as internal_note_count,
        count(case when event_type = 'bot_message' then 1 end) as bot_message_count
    from ticket_events
    group by ticket_key

),

priority_changes_ranked_latest_first as (

    select
        ticket_key,
        new_priority,
        row_number() over (
            partition by ticket_key
            order by position desc, occurred_at desc
        ) as recency_rank
    from ticket_events
    where new_priority is not null

),

csat_ratings_ranked_latest_first as (

    select
        ticket_key,
        csat_score,
        row_number() over (
            partition by ticket_key
            order by coalesce(csat_rated_at, occurred_at) desc, position desc
        ) as recency_rank
    from ticket_events
    where
        event_type = 'csat_rating'
        and csat_score is not null

),

final as (

    select
        tickets.ticket_key,
        first_agent_replies.first_response_at,
        {{ fw_minutes_between('tickets.created_at', 'first_agent_replies.first_response_at') }} as first_response_minutes,
        resolutions_and_reopens.resolved_at,
        {{ fw_minutes_between('tickets.created_at', 'resolutions_and_reopens.resolved_at') }} as resolution_minutes,
        coalesce(resolutions_and_reopens.reopen_count, 0) as reopen_count,
        coalesce(message_counts.customer_message_count, 0) as customer_message_count,
        coalesce(message_counts.agent_reply_count, 0) as agent_reply_count,
        coalesce(message_counts.internal_note_count, 0) as internal_note_count,
        coalesce(message_counts.bot_message_count, 0) as bot_message_count,
        -- the vendor's current priority, else the latest priority change, else normal
        coalesce(tickets.priority, priority_changes_ranked_latest_first.new_priority, 'normal') as priority,
        csat_ratings_ranked_latest_first.csat_score as latest_csat_score
    from tickets
    left join first_agent_replies
        on tickets.ticket_key = first_agent_replies.ticket_key
    left join resolutions_and_reopens
        on tickets.ticket_key = resolutions_and_reopens.ticket_key
    left join message_counts
        on tickets.ticket_key = message_counts.ticket_key
    left join priority_changes_ranked_latest_first
        on tickets.ticket_key = priority_changes_ranked_latest_first.ticket_key
        and priority_changes_ranked_latest_first.recency_rank = 1
    left join csat_ratings_ranked_latest_first
        on tickets.ticket_key = csat_ratings_ranked_latest_first.ticket_key
        and csat_ratings_ranked_latest_first.recency_rank = 1

)

select * from final
