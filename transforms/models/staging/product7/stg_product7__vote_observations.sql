-- Product7 vote observations in the canonical shape: the vote count and status every run saw, without voters
-- (Product7 lists none), so the shared vote history turns count differences into count_change events.
with

observations as (

    select * from {{ ref('base_product7__vote_observations') }}

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
        cast(null as double precision) as mrr
    from observations

)

select * from final
