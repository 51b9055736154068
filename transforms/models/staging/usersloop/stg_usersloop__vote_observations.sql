-- UsersLoop vote observations in the canonical shape: the vote count and status a run saw (no voter sets: the API
-- lists none, so the shared vote history turns each count change into a count_change event).
with

observations as (

    select * from {{ ref('base_usersloop__vote_observations') }}

),

final as (

    select
        feedback_key,
        source_system,
        source_account,
        feedback_id,
        observed_at,
        vote_count,
        cast(null as varchar) as voter_ids_json,
        false as is_voter_set_complete,
        status as status_name,
        status as status_type,
        cast(null as double precision) as mrr
    from observations

)

select * from final
