-- Every vendor's voters with their total monthly spend (the sum over their distinct companies; 0 when none).
with

voters as (

    {{ fw_union_vendors('voters') }}

),

voter_companies as (

    select * from {{ ref('int_voter_companies') }}

),

voter_spend as (

    select
        source_system,
        source_account,
        voter_id,
        cast(round(cast(sum(monthly_spend) as numeric(20, 4)), 2) as double precision) as voter_mrr
    from voter_companies
    group by source_system, source_account, voter_id

),

final as (

    select
        {{ fw_key('voters.source_system', 'voters.source_account', 'voters.voter_id') }} as voter_key,
        voters.*,
        coalesce(voter_spend.voter_mrr, 0) as voter_mrr
    from voters
    left join voter_spend
        on voters.source_system = voter_spend.source_system
        and voters.source_account = voter_spend.source_account
        and voters.voter_id = voter_spend.voter_id

)

select * from final
