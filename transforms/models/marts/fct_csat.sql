with

ticket_events as (

    select * from {{ ref('int_ticket_events') }}

),

tickets as (

    select * from {{ ref('int_tickets') }}

),

agents as (

    select * from {{ ref('int_agents') }}

),

csat_events as (

    select
        *,
        -- a rating without a request id still counts: it becomes its own request, keyed by its part id
        coalesce(csat_request_id, event_id) as request_id
    from ticket_events
    where event_type in ('csat_request', 'csat_rating')

),

csat_requests_ranked_latest_first as (

    select
        *,
        row_number() over (
            partition by source_system, source_account, request_id
            order by occurred_at desc, position desc
        ) as recency_rank
    from csat_events
    where event_type = 'csat_request'

),

csat_ratings_ranked_latest_first as (

    select
        *,
        row_number() over (
            partition by source_system, source_account, request_id
            order by coalesce(csat_rated_at, occurred_at) desc, position desc
        ) as recency_rank
    from csat_events
    where event_type = 'csat_rating'

),

latest_requests as (

    select * from csat_requests_ranked_latest_first
    where recency_rank = 1

),

latest_ratings as (

    select * from csat_ratings_ranked_latest_first
    where recency_rank = 1

),

requests_joined_to_ratings as (

    select
        coalesce(latest_requests.source_system, latest_ratings.source_system) as source_system,
        coalesce(latest_requests.source_account, latest_ratings.source_account) as source_account,
        coalesce(latest_requests.request_id, latest_ratings.request_id) as request_id,
        coalesce(latest_requests.ticket_key, latest_ratings.ticket_key) as ticket_key,
        coalesce(latest_requests.ticket_id, latest_ratings.ticket_id) as ticket_id,
        latest_requests.event_id as request_part_id,
        latest_ratings.event_id as rating_part_id,
        coalesce(latest_requests.position, latest_ratings.position) as request_position,
        coalesce(latest_requests.csat_channel, latest_ratings.csat_channel) as channel,
        coalesce(
            latest_requests.csat_requested_at,
            latest_requests.occurred_at,
            latest_ratings.csat_requested_at
        ) as requested_at,
        coalesce(latest_ratings.csat_rated_at, latest_ratings.occurred_at) as rated_at,
        latest_ratings.csat_score as score,
        latest_ratings.csat_remark as remark,
        coalesce(latest_ratings.csat_rated_agent_id, latest_requests.csat_rated_agent_id) as rated_agent_id,
        coalesce(latest_ratings.csat_rated_agent_type, latest_requests.csat_rated_agent_type) as rated_agent_type,
        case
            when latest_ratings.event_id is not null then coalesce(latest_ratings.csat_status, 'rated')
            else latest_requests.csat_status
        end as request_status
    from latest_requests
    full outer join latest_ratings
        on latest_requests.source_system = latest_ratings.source_system
        and latest_requests.source_account = latest_ratings.source_account
        and latest_requests.request_id = latest_ratings.request_id

),

agent_replies_before_requests_ranked_latest_first as (

    -- the last human agent who replied on the ticket before the request was sent: credited when the vendor's
    -- CSAT payload names no rated agent
    select
        requests_joined_to_ratings.source_system,
        requests_joined_to_ratings.source_account,
        requests_joined_to_ratings.request_id,
        ticket_events.author_id,
        row_number() over (
            partition by
                requests_joined_to_ratings.source_system,
                requests_joined_to_ratings.source_account,
                requests_joined_to_ratings.request_id
            order by ticket_events.occurred_at desc, ticket_events.position desc
        ) as recency_rank
    from requests_joined_to_ratings
    inner join ticket_events
        on requests_joined_to_ratings.ticket_key = ticket_events.ticket_key
        and ticket_events.event_type = 'agent_reply'
        and ticket_events.occurred_at <= requests_joined_to_ratings.requested_at
    where requests_joined_to_ratings.rated_agent_id is null

),

final as (

    select
        {{ fw_key('requests_joined_to_ratings.source_system', 'requests_joined_to_ratings.source_account', 'requests_joined_to_ratings.request_id') }}
            as csat_key,
        requests_joined_to_ratings.ticket_key,
        requests_joined_to_ratings.source_system,
        requests_joined_to_ratings.source_account,
        requests_joined_to_ratings.ticket_id,
        requests_joined_to_ratings.request_id,
        requests_joined_to_ratings.request_part_id,
        requests_joined_to_ratings.rating_part_id,
        requests_joined_to_ratings.channel,
        requests_joined_to_ratings.requested_at,
        requests_joined_to_ratings.rated_at,
        requests_joined_to_ratings.score,
        requests_joined_to_ratings.remark,
        requests_joined_to_ratings.rated_agent_id,
        requests_joined_to_ratings.rated_agent_type,
        -- the agent credited with the rating: the rated agent of the payload, else the last one who replied
        coalesce(requests_joined_to_ratings.rated_agent_id, last_agent_replies.author_id) as agent_id,
        agents.agent_name,
        {{ fw_email('agents.agent_email') }} as agent_email,
        {{ fw_person_key('agents.agent_email') }} as agent_person_key,
        requests_joined_to_ratings.request_status,
        requests_joined_to_ratings.score is not null as is_rated,
        requests_joined_to_ratings.score >= 4 as is_positive,
        coalesce(tickets.is_deleted, false) as is_deleted
    from requests_joined_to_ratings
    left join agent_replies_before_requests_ranked_latest_first as last_agent_replies
        on requests_joined_to_ratings.source_system = last_agent_replies.source_system
        and requests_joined_to_ratings.source_account = last_agent_replies.source_account
        and requests_joined_to_ratings.request_id = last_agent_replies.request_id
        and last_agent_replies.recency_rank = 1
    left join agents
        on requests_joined_to_ratings.source_system = agents.source_system
        and requests_joined_to_ratings.source_account = agents.source_account
        and coalesce(requests_joined_to_ratings.rated_agent_id, last_agent_replies.author_id) = agents.agent_id
    left join tickets
        on requests_joined_to_ratings.ticket_key = tickets.ticket_key

)

select * from final
