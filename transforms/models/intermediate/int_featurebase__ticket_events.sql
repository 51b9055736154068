with

conversation_parts as (

    select * from {{ ref('stg_featurebase__ticket_conversation_parts') }}

),

parts_with_canonical_event_type as (

    select
        *,
        case
            -- who wrote a message decides, not the part type: an admin_msg sent by a bot or an integration
            -- (AI agents, auto-replies) is a bot message and never a first response
            when part_type in ('user_msg', 'quick_reply_resp', 'email_msg', 'admin_msg', 'bot_msg', 'quick_reply_opts')
                then case
                    when author_type in ('customer', 'lead', 'guest') then 'customer_message'
                    when author_type = 'admin' then 'agent_reply'
                    else 'bot_message'
                end
            when part_type = 'admin_note' then 'internal_note'
            when part_type = 'status' then 'status_change'
            when part_type = 'assign' then 'assignment'
            when part_type = 'rating_requested' then 'csat_request'
            when part_type = 'rating_submitted' then 'csat_rating'
            else 'other'
        end as event_type
    from conversation_parts

),

final as (

    select
        ticket_conversation_part_key as event_key,
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
        created_at as occurred_at,
        case when part_type = 'status' then new_status end as new_status,
        case when part_type = 'priority' then is_priority end as is_priority,
        case when part_type = 'assign' then admin_assignee_id end as assignee_id,
        case when part_type = 'assign' then team_assignee_id end as team_assignee_id,
        csat_request_id,
        csat_channel,
        csat_status,
        csat_score,
        csat_remark,
        csat_rated_agent_id,
        csat_rated_agent_type,
        csat_requested_at,
        csat_rated_at,
        body_markdown,
        is_redacted
    from parts_with_canonical_event_type

)

select * from final
