with

-- one row per live request: deleted items (and their votes) are left out, merged items count on their target
feedback as (

    select * from {{ ref('fct_feedback') }}
    where not is_deleted and status_stage != 'merged'

),

votes as (

    select * from {{ ref('fct_votes') }}
    where not is_deleted

),

reference_time as (

    select * from {{ ref('int_feedback_reference_time') }}

),

recent_vote_changes as (

    -- net observed change (baseline excluded) in the 7 / 30 days up to the reference time: (reference - n days, reference]
    select
        votes.feedback_key,
        sum(votes.delta) filter (
            where votes.observed_at > reference_time.reference_at - interval '7 days'
        ) as votes_last_7d,
        sum(votes.delta) filter (
            where votes.observed_at > reference_time.reference_at - interval '30 days'
        ) as votes_last_30d
    from votes
    cross join reference_time
    where
        votes.event_kind != 'baseline'
        and votes.observed_at <= reference_time.reference_at
    group by votes.feedback_key

),

final as (

    select
        feedback.feedback_key,
        feedback.source_system,
        feedback.source_account,
        feedback.feedback_id,
        feedback.title,
        feedback.board_name,
        feedback.status_stage,
        feedback.vote_count,
        feedback.unique_voters,
        feedback.unique_voting_companies,
        feedback.voter_mrr,
        coalesce(recent_vote_changes.votes_last_7d, 0) as votes_last_7d,
        coalesce(recent_vote_changes.votes_last_30d, 0) as votes_last_30d,
        feedback.stage_entered_at,
        {{ fw_minutes_between('feedback.stage_entered_at', 'reference_time.reference_at') }} / 1440.0 as days_in_stage,
        feedback.comment_count,
        feedback.is_deleted,
        reference_time.reference_at
    from feedback
    cross join reference_time
    left join recent_vote_changes
        on feedback.feedback_key = recent_vote_changes.feedback_key

)

select * from final
