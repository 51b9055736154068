-- Featurebase conversation parts in the canonical ticket-event shape (fw_contract('ticket_events')). The part
-- type says what kind of part it is (a message, a note, a status change...); who wrote a message is left to the
-- shared author_kinds seed, which decides whether it is a customer message, an agent reply or a bot message.
with

conversation_parts as (

    select * from {{ ref('base_featurebase__ticket_conversation_parts') }}

),

final as (

    select
        ticket_conversation_part_key as event_key,
        ticket_key,
        source_system,
        source_account,
        ticket_id,
        part_id as event_id,
        position,
        part_type,
        case
            when part_type in ('user_msg', 'quick_reply_resp', 'email_msg', 'admin_msg', 'bot_msg', 'quick_reply_opts')
                then 'message'
            when part_type = 'admin_note' then 'note'
            when part_type = 'status' then 'status'
            when part_type = 'assign' then 'assignment'
            when part_type = 'rating_requested' then 'csat_request'
            when part_type = 'rating_submitted' then 'csat_rating'
            else 'other'
        end as message_kind,
        author_type,
        author_id,
        author_name,
        author_email,
        channel,
        created_at as occurred_at,
        case when part_type = 'status' then new_status end as new_status,
        -- open and closed are the states resolution and reopens follow; a snooze is neither
        case when part_type = 'status' and new_status in ('open', 'closed') then new_status end as status_state,
        case when part_type = 'priority' then case when is_priority then 'high' else 'normal' end end as new_priority,
        case when part_type = 'assign' then admin_assignee_id end as assignee_id,
        csat_request_id,
        csat_channel,
        csat_status,
        csat_score,
        csat_remark,
        csat_rated_agent_id,
        csat_rated_agent_type,
        csat_requested_at,
        csat_rated_at,
        body_markdown as body,
        is_redacted
    from conversation_parts

)

select * from final
