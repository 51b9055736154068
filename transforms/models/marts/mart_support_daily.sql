{#-
    One row per UTC day and source (source_system, source_account): the support trends the dashboard charts.
    Counts and their numerators/denominators are kept next to every ratio, so a reader summing several days or
    sources recomputes the ratio instead of averaging ratios.
-#}
with

-- deleted tickets, their events and their ratings are left out of every figure
tickets as (

    select * from {{ ref('fct_tickets') }}
    where not is_deleted

),

ticket_events as (

    select * from {{ ref('fct_ticket_events') }}
    where not is_deleted

),

csat as (

    select * from {{ ref('fct_csat') }}
    where not is_deleted

),

source_activity_dates as (

    select source_system, source_account, {{ fw_utc_date('created_at') }} as activity_date from tickets
    union all
    select source_system, source_account, {{ fw_utc_date('resolved_at') }} from tickets
    union all
    select source_system, source_account, {{ fw_utc_date('occurred_at') }} from ticket_events
    union all
    select source_system, source_account, {{ fw_utc_date('requested_at') }} from csat
    union all
    select source_system, source_account, {{ fw_utc_date('rated_at') }} from csat

),

source_date_bounds as (

    select
        source_system,
        source_account,
        min(activity_date) as first_date,
        max(activity_date) as last_date
    from source_activity_dates
    where activity_date is not null
    group by source_system, source_account

),

source_days as (

    -- dense: every UTC day from a source's first to its last activity, so backlog and trend lines have no gaps
    select
        source_date_bounds.source_system,
        source_date_bounds.source_account,
        cast(days.date_day as date) as date_day
    from source_date_bounds
    {{ fw_day_series('source_date_bounds.first_date', 'source_date_bounds.last_date', 'days', 'date_day') }}

),

tickets_opened as (

    select
        source_system,
        source_account,
        {{ fw_utc_date('created_at') }} as date_day,
        count(*) as tickets_opened,
        {{ fw_percentile('first_response_minutes', 0.5) }} as median_first_response_minutes,
        {{ fw_percentile('first_response_minutes', 0.9) }} as p90_first_response_minutes,
        {{ fw_percentile('first_response_business_minutes', 0.5) }} as median_first_response_business_minutes,
        count(first_response_minutes) as tickets_with_first_response
    from tickets
    group by 1, 2, 3

),

tickets_solved as (

    select
        source_system,
        source_account,
        {{ fw_utc_date('resolved_at') }} as date_day,
        count(*) as tickets_solved,
        {{ fw_percentile('resolution_minutes', 0.5) }} as median_resolution_minutes,
        {{ fw_percentile('resolution_business_minutes', 0.5) }} as median_resolution_business_minutes,
        count(case when reopen_count > 0 then 1 end) as tickets_solved_reopened
    from tickets
    where resolved_at is not null
    group by 1, 2, 3

),

open_close_events_with_previous_status as (

    -- the same open/close sequence int_ticket_metrics reads for resolved_at and reopen_count
    select
        source_system,
        source_account,
        ticket_key,
        occurred_at,
        status_state,
        coalesce(
            lag(status_state) over (partition by ticket_key order by position, occurred_at),
            'open'
        ) as previous_state
    from ticket_events
    where status_state in ('open', 'closed')

),

backlog_changes as (

    -- +1 when a ticket is created, -1 when it closes, +1 when a closed ticket reopens
    select source_system, source_account, {{ fw_utc_date('created_at') }} as date_day, 1 as backlog_change
    from tickets
    union all
    select
        source_system,
        source_account,
        {{ fw_utc_date('occurred_at') }},
        case when status_state = 'closed' then -1 else 1 end
    from open_close_events_with_previous_status
    where status_state != previous_state

),

daily_backlog_changes as (

    select
        source_system,
        source_account,
        date_day,
        sum(backlog_change) as backlog_change
    from backlog_changes
    group by 1, 2, 3

),

csat_requested as (

    select
        source_system,
        source_account,
        {{ fw_utc_date('requested_at') }} as date_day,
        count(*) as csat_requests,
        count(case when is_rated then 1 end) as csat_requests_rated
    from csat
    where requested_at is not null
    group by 1, 2, 3

),

csat_rated as (

    select
        source_system,
        source_account,
        {{ fw_utc_date('rated_at') }} as date_day,
        count(*) as csat_ratings,
        count(case when is_positive then 1 end) as csat_positive_ratings
    from csat
    where is_rated and rated_at is not null
    group by 1, 2, 3

),

final as (

    select
        {{ fw_key('source_days.source_system', 'source_days.source_account', 'source_days.date_day') }}
            as support_day_key,
        source_days.source_system,
        source_days.source_account,
        source_days.date_day,
        coalesce(tickets_opened.tickets_opened, 0) as tickets_opened,
        coalesce(tickets_solved.tickets_solved, 0) as tickets_solved,
        cast(sum(coalesce(daily_backlog_changes.backlog_change, 0)) over (
            partition by source_days.source_system, source_days.source_account
            order by source_days.date_day
            rows between unbounded preceding and current row
        ) as bigint) as backlog_end_of_day,
        coalesce(tickets_opened.tickets_with_first_response, 0) as tickets_with_first_response,
        tickets_opened.median_first_response_minutes,
        tickets_opened.p90_first_response_minutes,
        tickets_opened.median_first_response_business_minutes,
        tickets_solved.median_resolution_minutes,
        tickets_solved.median_resolution_business_minutes,
        coalesce(tickets_solved.tickets_solved_reopened, 0) as tickets_solved_reopened,
        {{ fw_pct('tickets_solved.tickets_solved_reopened', 'tickets_solved.tickets_solved') }} as reopen_rate_pct,
        coalesce(csat_requested.csat_requests, 0) as csat_requests,
        coalesce(csat_requested.csat_requests_rated, 0) as csat_requests_rated,
        {{ fw_pct('csat_requested.csat_requests_rated', 'csat_requested.csat_requests') }} as csat_response_rate_pct,
        -- customers answer a CSAT request within days: the last week's response rate is still moving
        source_days.date_day > source_date_bounds.last_date - {{ var('csat_response_window_days', 7) }}
            as is_csat_response_window_open,
        coalesce(csat_rated.csat_ratings, 0) as csat_ratings,
        coalesce(csat_rated.csat_positive_ratings, 0) as csat_positive_ratings,
        {{ fw_pct('csat_rated.csat_positive_ratings', 'csat_rated.csat_ratings') }} as csat_pct
    from source_days
    inner join source_date_bounds
        on source_days.source_system = source_date_bounds.source_system
        and source_days.source_account = source_date_bounds.source_account
    left join tickets_opened
        on source_days.source_system = tickets_opened.source_system
        and source_days.source_account = tickets_opened.source_account
        and source_days.date_day = tickets_opened.date_day
    left join tickets_solved
        on source_days.source_system = tickets_solved.source_system
        and source_days.source_account = tickets_solved.source_account
        and source_days.date_day = tickets_solved.date_day
    left join daily_backlog_changes
        on source_days.source_system = daily_backlog_changes.source_system
        and source_days.source_account = daily_backlog_changes.source_account
        and source_days.date_day = daily_backlog_changes.date_day
    left join csat_requested
        on source_days.source_system = csat_requested.source_system
        and source_days.source_account = csat_requested.source_account
        and source_days.date_day = csat_requested.date_day
    left join csat_rated
        on source_days.source_system = csat_rated.source_system
        and source_days.source_account = csat_rated.source_account
        and source_days.date_day = csat_rated.date_day

)

select * from final
