-- One row per business day of the support schedule (var business_schedule, seeds business_hours and
-- business_holidays): when that day's hours open and close, as UTC instants, over every day tickets were active.
-- Weekdays are ISO (1 = Monday); opening times are local to the schedule's timezone, so DST is handled by the
-- engine's time zone database.
with

business_hours as (

    select * from {{ ref('business_hours') }}
    where schedule = '{{ var("business_schedule", "default") }}'

),

business_holidays as (

    select * from {{ ref('business_holidays') }}
    where schedule = '{{ var("business_schedule", "default") }}'

),

tickets as (

    select * from {{ ref('int_tickets') }}

),

ticket_events as (

    select * from {{ ref('int_ticket_events') }}

),

activity_bounds as (

    select
        min(tickets.created_at) as first_at,
        greatest(max(tickets.updated_at), max(ticket_events.occurred_at), max(tickets.created_at)) as last_at
    from tickets
    left join ticket_events
        on tickets.ticket_key = ticket_events.ticket_key

),

calendar_days as (

    select cast(days.calendar_day as date) as calendar_day
    from activity_bounds
    {{ fw_day_series(
        "cast(" ~ fw_utc_date('activity_bounds.first_at') ~ " as date) - 1",
        "cast(" ~ fw_utc_date('activity_bounds.last_at') ~ " as date) + 1",
        'days',
        'calendar_day'
    ) }}
    where activity_bounds.first_at is not null

),

final as (

    select
        business_hours.schedule,
        calendar_days.calendar_day,
        timezone(business_hours.timezone, calendar_days.calendar_day + cast(business_hours.opens_at as time)) as opens_at,
        timezone(business_hours.timezone, calendar_days.calendar_day + cast(business_hours.closes_at as time)) as closes_at
    from calendar_days
    inner join business_hours
        on cast(extract(isodow from calendar_days.calendar_day) as integer) = business_hours.weekday
    left join business_holidays
        on calendar_days.calendar_day = business_holidays.holiday_date
    where business_holidays.holiday_date is null

)

select * from final
