with

vote_events as (

    select * from {{ ref('int_vote_events_unioned') }}

),

final as (

    select
        vote_event_key,
        feedback_key,
        source_system,
        source_account,
        feedback_id,
        event_kind,
        delta,
        observed_at,
        voter_id,
        voter_email,
        voter_mrr
    from vote_events

)

select * from final
