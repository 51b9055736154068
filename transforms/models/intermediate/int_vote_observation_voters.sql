-- One row per voter in each complete voter set observed (vendors that list voters, e.g. Featurebase).
with

observations as (

    select * from {{ ref('int_vote_observations') }}
    where is_voter_set_complete

),

voters as (

    select
        observations.feedback_key,
        observations.source_system,
        observations.source_account,
        observations.feedback_id,
        observations.observed_at,
        voter.voter_id
    from observations
    {{ fw_unnest_json_array('observations.voter_ids_json', 'voter', 'voter_id') }}

),

final as (

    select distinct * from voters

)

select * from final
