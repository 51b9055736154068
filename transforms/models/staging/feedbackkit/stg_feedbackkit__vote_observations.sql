-- FeedbackKit vote observations in the canonical shape: counts only (no voter sets), so the shared vote-history
-- models turn consecutive observations into count changes.
--
-- A merged item is observed with 0 votes. FeedbackKit moves its voters into the target (the target's voteCount
-- becomes the size of the union of both voter sets, a voter of both counted once) and freezes the merged item's
-- own count. Observing the frozen count would leave those votes on the merged item while the target's jump
-- counts them again, so any sum of fct_votes across items would count them twice; at 0, the merged item's
-- history ends with a -N change at the merge and the target's +k holds only the genuinely new voters. The
-- vendor's frozen count stays on the feedback row (fct_feedback.vote_count).
with

observations as (

    select * from {{ ref('base_feedbackkit__vote_observations') }}

),

final as (

    select
        feedback_key,
        source_system,
        source_account,
        feedback_id,
        observed_at,
        case when status_type = 'merged' then cast(0 as bigint) else vote_count end as vote_count,
        cast(null as varchar) as voter_ids_json,
        false as is_voter_set_complete,
        status as status_name,
        status_type,
        mrr
    from observations

)

select * from final
