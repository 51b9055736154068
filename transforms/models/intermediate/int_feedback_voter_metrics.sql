-- Per feedback item with a complete voter set (vendors that list voters): its current voters (the latest
-- complete set), the distinct companies behind them and their MRR, each company's monthly spend counted once.
with

observations as (

    select * from {{ ref('int_vote_observations') }}

),

observation_voters as (

    select * from {{ ref('int_vote_observation_voters') }}

),

voter_companies as (

    select * from {{ ref('int_voter_companies') }}

),

complete_sets_ranked_latest_first as (

    select
        feedback_key,
        source_system,
        source_account,
        feedback_id,
        observed_at,
        row_number() over (
            partition by feedback_key
            order by observed_at desc
        ) as recency_rank
    from observations
    where is_voter_set_complete

),

latest_complete_sets as (

    select * from complete_sets_ranked_latest_first
    where recency_rank = 1

),

current_voters as (

    select
        latest_complete_sets.feedback_key,
        observation_voters.source_system,
        observation_voters.source_account,
        observation_voters.voter_id
    from latest_complete_sets
    inner join observation_voters
        on latest_complete_sets.feedback_key = observation_voters.feedback_key
        and latest_complete_sets.observed_at = observation_voters.observed_at

),

current_voting_companies as (

    -- one row per item and company: a company behind two voters is counted once, with its largest reported spend
    select
        current_voters.feedback_key,
        voter_companies.company_id,
        max(voter_companies.monthly_spend) as monthly_spend
    from current_voters
    inner join voter_companies
        on current_voters.source_system = voter_companies.source_system
        and current_voters.source_account = voter_companies.source_account
        and current_voters.voter_id = voter_companies.voter_id
    group by
        current_voters.feedback_key,
        voter_companies.company_id

),

voter_counts as (

    select feedback_key, count(*) as unique_voters
    from current_voters
    group by feedback_key

),

company_totals as (

    select
        feedback_key,
        count(*) as unique_voting_companies,
        -- spend is money reported to the cent: rounding the sum keeps it exact whatever order rows are added in
        cast(round(cast(sum(monthly_spend) as numeric(20, 4)), 2) as double precision) as voter_mrr
    from current_voting_companies
    group by feedback_key

),

final as (

    select
        latest_complete_sets.feedback_key,
        latest_complete_sets.source_system,
        latest_complete_sets.source_account,
        latest_complete_sets.feedback_id,
        latest_complete_sets.observed_at as voters_observed_at,
        coalesce(voter_counts.unique_voters, 0) as unique_voters,
        coalesce(company_totals.unique_voting_companies, 0) as unique_voting_companies,
        coalesce(company_totals.voter_mrr, 0) as voter_mrr
    from latest_complete_sets
    left join voter_counts
        on latest_complete_sets.feedback_key = voter_counts.feedback_key
    left join company_totals
        on latest_complete_sets.feedback_key = company_totals.feedback_key

)

select * from final
