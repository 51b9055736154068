-- Featurebase post observations in the canonical vote-observation shape: upvotes, status and the complete voter
-- set (Featurebase lists voters), which the shared vote-history models diff voter by voter.
with

observations as (

    select * from {{ ref('base_featurebase__vote_observations') }}

),

final as (

    select
        post_key as feedback_key,
        source_system,
        source_account,
        post_id as feedback_id,
        observed_at,
        upvotes as vote_count,
        voter_ids_json,
        is_voters_fetched as is_voter_set_complete,
        status_name,
        status_type,
        cast(null as double precision) as mrr
    from observations

)

select * from final
