-- Featurebase post observations in the canonical vote-observation shape: upvotes, status and the complete voter
-- set (Featurebase lists voters), which the shared vote-history models diff voter by voter.
with

observations as (

    select * from {{ ref('base_featurebase__vote_observations') }}

),

final as (

    select
        feedback_key,
        source_system,
        source_account,
        feedback_id,
        observed_at,
        vote_count,
        voter_ids_json,
        is_voter_set_complete,
        status as status_name,
        status_type,
        mrr
    from observations

)

select * from final
