with

vote_events as (

    select * from {{ ref('int_vote_events') }}

),

feedback as (

    select * from {{ ref('int_feedback') }}

),

final as (

    select
        vote_events.vote_event_key,
        vote_events.feedback_key,
        vote_events.source_system,
        vote_events.source_account,
        vote_events.feedback_id,
        vote_events.event_kind,
        vote_events.delta,
        vote_events.observed_at,
        vote_events.voter_id,
        {{ fw_email('vote_events.voter_email') }} as voter_email,
        {{ fw_person_key('vote_events.voter_email') }} as voter_person_key,
        vote_events.voter_mrr,
        -- votes of a deleted item carry its deletion
        coalesce(feedback.is_deleted, false) as is_deleted
    from vote_events
    left join feedback
        on vote_events.feedback_key = feedback.feedback_key

)

select * from final
