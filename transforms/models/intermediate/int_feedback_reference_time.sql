{#-
    The "now" of the feedback marts: the latest observed_at in the warehouse (the logical time of the last
    load run that saw a change, `--as-of` in a demo), not current_date, so a warehouse built for a past date
    reads as of that date and rebuilding it later gives the same numbers. current_timestamp only when
    nothing was ever observed.
-#}
with

vote_events as (

    select * from {{ ref('int_vote_events') }}

),

final as (

    select
        coalesce(max(observed_at), current_timestamp) as reference_at,
        {{ fw_utc_date('coalesce(max(observed_at), current_timestamp)') }} as reference_date
    from vote_events

)

select * from final
