-- Per ticket, first response and resolution in business minutes (the part of each interval that falls inside the
-- schedule's opening hours, holidays excluded), beside the calendar minutes of int_ticket_metrics.
with

tickets as (

    select * from {{ ref('int_tickets') }}

),

ticket_metrics as (

    select * from {{ ref('int_ticket_metrics') }}

),

business_hours as (

    select * from {{ ref('int_business_hours') }}

),

intervals as (

    select tickets.ticket_key, 'first_response' as metric, tickets.created_at as started_at, ticket_metrics.first_response_at as ended_at
    from tickets
    inner join ticket_metrics on tickets.ticket_key = ticket_metrics.ticket_key
    where ticket_metrics.first_response_at is not null
    union all
    select tickets.ticket_key, 'resolution', tickets.created_at, ticket_metrics.resolved_at
    from tickets
    inner join ticket_metrics on tickets.ticket_key = ticket_metrics.ticket_key
    where ticket_metrics.resolved_at is not null

),

business_overlaps as (

    select
        intervals.ticket_key,
        intervals.metric,
        -- (greatest/least skip nulls: an interval that meets no opening hours must add nothing, not itself)
        coalesce(sum(
            case when business_hours.opens_at is not null then
                {{ fw_minutes_between(
                    'greatest(intervals.started_at, business_hours.opens_at)',
                    'least(intervals.ended_at, business_hours.closes_at)'
                ) }}
            end
        ), 0) as business_minutes
    from intervals
    left join business_hours
        on business_hours.opens_at < intervals.ended_at
        and business_hours.closes_at > intervals.started_at
    group by intervals.ticket_key, intervals.metric

),

final as (

    select
        tickets.ticket_key,
        max(case when business_overlaps.metric = 'first_response' then business_overlaps.business_minutes end)
            as first_response_business_minutes,
        max(case when business_overlaps.metric = 'resolution' then business_overlaps.business_minutes end)
            as resolution_business_minutes
    from tickets
    left join business_overlaps
        on tickets.ticket_key = business_overlaps.ticket_key
    group by tickets.ticket_key

)

select * from final
