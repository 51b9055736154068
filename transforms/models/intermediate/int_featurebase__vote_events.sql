with

post_observations as (

    select * from {{ ref('stg_featurebase__post_observations') }}

),

voters as (

    select * from {{ ref('stg_featurebase__voters') }}

),

voter_companies as (

    select * from {{ ref('int_featurebase__voter_companies') }}

),

observations_with_previous as (

    select
        post_key,
        source_system,
        source_account,
        post_id,
        observed_at,
        coalesce(upvotes, 0) as upvotes,
        voter_ids,
        is_voters_fetched,
        row_number() over post_observation_order as observation_number,
        lag(coalesce(upvotes, 0)) over post_observation_order as previous_upvotes,
        lag(voter_ids) over post_observation_order as previous_voter_ids,
        lag(is_voters_fetched) over post_observation_order as is_previous_voters_fetched
    from post_observations
    window post_observation_order as (
        partition by post_key
        order by observed_at
    )

),

observation_changes as (

    select
        *,
        -- both voter sets complete: the change is the set difference, voter by voter
        case
            when is_voters_fetched and is_previous_voters_fetched
                then {{ fw_list_except('voter_ids', 'previous_voter_ids') }}
            else []
        end as added_voter_ids,
        case
            when is_voters_fetched and is_previous_voters_fetched
                then {{ fw_list_except('previous_voter_ids', 'voter_ids') }}
            else []
        end as removed_voter_ids
    from observations_with_previous
    where observation_number > 1

),

baseline_events as (

    select
        post_key,
        source_system,
        source_account,
        post_id,
        observed_at,
        'baseline' as event_kind,
        upvotes as delta,
        cast(null as varchar) as voter_id
    from observations_with_previous
    where observation_number = 1

),

voter_added_events as (

    select
        post_key,
        source_system,
        source_account,
        post_id,
        observed_at,
        'vote_added' as event_kind,
        1 as delta,
        unnest(added_voter_ids) as voter_id
    from observation_changes

),

voter_removed_events as (

    select
        post_key,
        source_system,
        source_account,
        post_id,
        observed_at,
        'vote_removed' as event_kind,
        -1 as delta,
        unnest(removed_voter_ids) as voter_id
    from observation_changes

),

count_change_events as (

    -- without two complete voter sets the count delta is all we know; with them, any part of the count
    -- change the voter sets do not explain (votes the voters endpoint does not list) is kept as a count change,
    -- so baseline + all deltas always equals the latest observed count
    select
        post_key,
        source_system,
        source_account,
        post_id,
        observed_at,
        'count_change' as event_kind,
        (upvotes - previous_upvotes)
        - (len(added_voter_ids) - len(removed_voter_ids)) as delta,
        cast(null as varchar) as voter_id
    from observation_changes
    where
        (upvotes - previous_upvotes)
        - (len(added_voter_ids) - len(removed_voter_ids)) != 0

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

voter_spend as (

    select
        source_account,
        voter_id,
        sum(monthly_spend) as voter_mrr
    from voter_companies
    group by
        source_account,
        voter_id

),

final as (

    select
        {{ fw_key(
            'vote_events.source_system',
            'vote_events.source_account',
            ['vote_events.post_id', 'epoch_us(vote_events.observed_at)', 'vote_events.event_kind', "coalesce(vote_events.voter_id, '')"]
        ) }} as vote_event_key,
        vote_events.post_key as feedback_key,
        vote_events.source_system,
        vote_events.source_account,
        vote_events.post_id as feedback_id,
        vote_events.event_kind,
        vote_events.delta,
        vote_events.observed_at,
        vote_events.voter_id,
        voters.voter_email,
        -- a listed voter without companies has 0 MRR; no voter, or one missing from the voters table, null
        case
            when voters.voter_id is not null then coalesce(voter_spend.voter_mrr, 0)
        end as voter_mrr
    from vote_events
    left join voters
        on vote_events.source_account = voters.source_account
        and vote_events.voter_id = voters.voter_id
    left join voter_spend
        on vote_events.source_account = voter_spend.source_account
        and vote_events.voter_id = voter_spend.voter_id

)

select * from final
