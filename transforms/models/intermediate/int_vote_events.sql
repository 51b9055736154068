-- Vote events observed between runs, for every vendor: the first observation is a baseline; then, where both
-- observations hold a complete voter set, +1/-1 per voter added/removed; any part of a count change the voter
-- sets do not explain (or every change, for vendors without voter lists) is a count_change. Baseline + all
-- deltas always equals the latest observed count.
with

observations as (

    select * from {{ ref('int_vote_observations') }}

),

observation_voters as (

    select * from {{ ref('int_vote_observation_voters') }}

),

voters as (

    select * from {{ ref('int_voters') }}

),

observations_with_previous as (

    select
        feedback_key,
        source_system,
        source_account,
        feedback_id,
        observed_at,
        observation_number,
        coalesce(vote_count, 0) as vote_count,
        is_voter_set_complete,
        lag(observed_at) over observation_order as previous_observed_at,
        lag(coalesce(vote_count, 0)) over observation_order as previous_vote_count,
        lag(is_voter_set_complete) over observation_order as is_previous_voter_set_complete
    from observations
    window observation_order as (
        partition by feedback_key
        order by observed_at
    )

),

voter_diffable_observations as (

    -- both voter sets complete: the change is the set difference, voter by voter
    select * from observations_with_previous
    where
        observation_number > 1
        and is_voter_set_complete
        and is_previous_voter_set_complete

),

voter_added_events as (

    select
        voter_diffable_observations.feedback_key,
        voter_diffable_observations.source_system,
        voter_diffable_observations.source_account,
        voter_diffable_observations.feedback_id,
        voter_diffable_observations.observed_at,
        'vote_added' as event_kind,
        1 as delta,
        current_voters.voter_id
    from voter_diffable_observations
    inner join observation_voters as current_voters
        on voter_diffable_observations.feedback_key = current_voters.feedback_key
        and voter_diffable_observations.observed_at = current_voters.observed_at
    left join observation_voters as previous_voters
        on voter_diffable_observations.feedback_key = previous_voters.feedback_key
        and voter_diffable_observations.previous_observed_at = previous_voters.observed_at
        and current_voters.voter_id = previous_voters.voter_id
    where previous_voters.voter_id is null

),

voter_removed_events as (

    select
        voter_diffable_observations.feedback_key,
        voter_diffable_observations.source_system,
        voter_diffable_observations.source_account,
        voter_diffable_observations.feedback_id,
        voter_diffable_observations.observed_at,
        'vote_removed' as event_kind,
        -1 as delta,
        previous_voters.voter_id
    from voter_diffable_observations
    inner join observation_voters as previous_voters
        on voter_diffable_observations.feedback_key = previous_voters.feedback_key
        and voter_diffable_observations.previous_observed_at = previous_voters.observed_at
    left join observation_voters as current_voters
        on voter_diffable_observations.feedback_key = current_voters.feedback_key
        and voter_diffable_observations.observed_at = current_voters.observed_at
        and previous_voters.voter_id = current_voters.voter_id
    where current_voters.voter_id is null

),

voter_changes_per_observation as (

    select feedback_key, observed_at, sum(delta) as explained_delta
    from (
        select feedback_key, observed_at, delta from voter_added_events
        union all
        select feedback_key, observed_at, delta from voter_removed_events
    ) as voter_events
    group by feedback_key, observed_at

),

baseline_events as (

    select
        feedback_key,
        source_system,
        source_account,
        feedback_id,
        observed_at,
        'baseline' as event_kind,
        vote_count as delta,
        cast(null as varchar) as voter_id
    from observations_with_previous
    where observation_number = 1

),

count_change_events as (

    select
        observations_with_previous.feedback_key,
        observations_with_previous.source_system,
        observations_with_previous.source_account,
        observations_with_previous.feedback_id,
        observations_with_previous.observed_at,
        'count_change' as event_kind,
        (observations_with_previous.vote_count - observations_with_previous.previous_vote_count)
        - coalesce(voter_changes_per_observation.explained_delta, 0) as delta,
        cast(null as varchar) as voter_id
    from observations_with_previous
    left join voter_changes_per_observation
        on observations_with_previous.feedback_key = voter_changes_per_observation.feedback_key
        and observations_with_previous.observed_at = voter_changes_per_observation.observed_at
    where
        observations_with_previous.observation_number > 1
        and (observations_with_previous.vote_count - observations_with_previous.previous_vote_count)
        - coalesce(voter_changes_per_observation.explained_delta, 0) != 0

),

vote_events as (

    select * from baseline_events
    union all
    select * from voter_added_events
    union all
    select * from voter_removed_events
    union all
    select * from count_change_events

),

final as (

    select
        {{ fw_key(
            'vote_events.source_system',
            'vote_events.source_account',
            ['vote_events.feedback_id', fw_epoch_us('vote_events.observed_at'), 'vote_events.event_kind', "coalesce(vote_events.voter_id, '')"]
        ) }} as vote_event_key,
        vote_events.feedback_key,
        vote_events.source_system,
        vote_events.source_account,
        vote_events.feedback_id,
        vote_events.event_kind,
        vote_events.delta,
        vote_events.observed_at,
        vote_events.voter_id,
        voters.voter_email,
        -- a listed voter without companies has 0 MRR; no voter, or one missing from the voters table, null
        voters.voter_mrr
    from vote_events
    left join voters
        on vote_events.source_system = voters.source_system
        and vote_events.source_account = voters.source_account
        and vote_events.voter_id = voters.voter_id

)

select * from final
