with

post_observations as (

    select * from {{ ref('stg_featurebase__post_observations') }}

),

voter_companies as (

    select * from {{ ref('int_featurebase__voter_companies') }}

),

latest_complete_voter_sets as (

    -- the current voters: the latest observation whose voter set is complete (voters_fetched)
    select * from post_observations
    where is_voters_fetched
    qualify row_number() over (
        partition by post_key
        order by observed_at desc
    ) = 1

),

current_voters as (

    select
        post_key,
        source_account,
        unnest(list_distinct(voter_ids)) as voter_id
    from latest_complete_voter_sets

),

current_voting_companies as (

    -- one row per post and company: a company behind two voters is counted once, with its largest reported spend
    select
        current_voters.post_key,
        voter_companies.company_id,
        max(voter_companies.monthly_spend) as monthly_spend
    from current_voters
    inner join voter_companies
        on current_voters.source_account = voter_companies.source_account
        and current_voters.voter_id = voter_companies.voter_id
    group by
        current_voters.post_key,
        voter_companies.company_id

),

company_totals as (

    select
        post_key,
        count(*) as unique_voting_companies,
        sum(monthly_spend) as voter_mrr
    from current_voting_companies
    group by post_key

),

final as (

    select
        latest_complete_voter_sets.post_key,
        latest_complete_voter_sets.source_system,
        latest_complete_voter_sets.source_account,
        latest_complete_voter_sets.post_id,
        latest_complete_voter_sets.observed_at as voters_observed_at,
        coalesce(len(list_distinct(latest_complete_voter_sets.voter_ids)), 0) as unique_voters,
        coalesce(company_totals.unique_voting_companies, 0) as unique_voting_companies,
        coalesce(company_totals.voter_mrr, 0) as voter_mrr
    from latest_complete_voter_sets
    left join company_totals
        on latest_complete_voter_sets.post_key = company_totals.post_key

)

select * from final
