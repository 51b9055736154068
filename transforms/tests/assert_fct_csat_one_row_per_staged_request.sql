-- Per vendor and account, every distinct CSAT request id (or, lacking one, rating part id) among the ticket
-- events is exactly one fct_csat row.
with

ticket_events as (

    select * from {{ ref('int_ticket_events') }}

),

fct_csat as (

    select source_system, source_account, count(*) as fact_row_count
    from {{ ref('fct_csat') }}
    group by source_system, source_account

),

staged_csat_requests as (

    select source_system, source_account, count(distinct coalesce(csat_request_id, event_id)) as staged_request_count
    from ticket_events
    where event_type in ('csat_request', 'csat_rating')
    group by source_system, source_account

),

final as (

    select
        coalesce(staged_csat_requests.source_system, fct_csat.source_system) as source_system,
        coalesce(staged_csat_requests.source_account, fct_csat.source_account) as source_account,
        staged_csat_requests.staged_request_count,
        fct_csat.fact_row_count
    from staged_csat_requests
    full outer join fct_csat
        on staged_csat_requests.source_system = fct_csat.source_system
        and staged_csat_requests.source_account = fct_csat.source_account
    where coalesce(staged_csat_requests.staged_request_count, 0) != coalesce(fct_csat.fact_row_count, 0)

)

select * from final
