with

ticket_events as (

    select * from {{ ref('int_ticket_events_unioned') }}

),

tickets as (

    select * from {{ ref('int_tickets_unioned') }}

),

csat_events as (

    select
        *,
        -- a rating without a request id still counts: it becomes its own request, keyed by its part id
        coalesce(csat_request_id, part_id) as request_id
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
        latest_requests.part_id as request_part_id,
        latest_ratings.part_id as rating_part_id,
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
            when latest_ratings.part_id is not null then coalesce(latest_ratings.csat_status, 'rated')
            else latest_requests.csat_status
        end as request_status
    from latest_requests
    full outer join latest_ratings
        on latest_requests.source_system = latest_ratings.source_system
        and latest_requests.source_account = latest_ratings.source_account
        and latest_requests.request_id = latest_ratings.request_id

),

final as (

    select
        {{ fw_key('requests_joined_to_ratings.source_system', 'requests_joined_to_ratings.source_account', 'request_id') }} as csat_key,
        requests_joined_to_ratings.ticket_key,
        requests_joined_to_ratings.source_system,
        requests_joined_to_ratings.source_account,
        requests_joined_to_ratings.ticket_id,
        request_id,
        request_part_id,
        rating_part_id,
        channel,
        requested_at,
        rated_at,
        score,
        remark,
        rated_agent_id,
        rated_agent_type,
        request_status,
        score is not null as is_rated,
        score >= 4 as is_positive,
        coalesce(tickets.is_deleted, false) as is_deleted
    from requests_joined_to_ratings
    left join tickets
        on requests_joined_to_ratings.ticket_key = tickets.ticket_key

)

select * from final
