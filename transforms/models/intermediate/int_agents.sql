-- One row per agent who wrote on a ticket (vendor, account, author id), with the name and email of their
-- latest part: how a rated agent id becomes a person in fct_csat and the dashboards.
with

ticket_events as (

    select * from {{ ref('int_ticket_events') }}

),

agent_parts_ranked_latest_first as (

    select
        source_system,
        source_account,
        author_id,
        author_name,
        author_email,
        row_number() over (
            partition by source_system, source_account, author_id
            order by occurred_at desc, event_key
        ) as recency_rank
    from ticket_events
    where
        author_kind = 'agent'
        and author_id is not null

),

final as (

    select
        {{ fw_key('source_system', 'source_account', 'author_id') }} as agent_key,
        source_system,
        source_account,
        author_id as agent_id,
        author_name as agent_name,
        author_email as agent_email
    from agent_parts_ranked_latest_first
    where recency_rank = 1

)

select * from final
