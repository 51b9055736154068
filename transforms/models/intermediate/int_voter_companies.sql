-- One row per voter and company (a company listed twice on one voter counts once, with its largest spend).
with

voter_companies as (

    {{ fw_union_vendors('voter_companies') }}

),

ranked as (

    select
        voter_companies.*,
        row_number() over (
            partition by source_system, source_account, voter_id, company_id
            order by monthly_spend desc nulls last
        ) as spend_rank
    from voter_companies
    where company_id is not null

),

final as (

    select
        {{ fw_key('source_system', 'source_account', ['voter_id', 'company_id']) }} as voter_company_key,
        source_system,
        source_account,
        voter_id,
        voter_email,
        company_id,
        external_company_id,
        company_name,
        company_plan,
        monthly_spend
    from ranked
    where spend_rank = 1

)

select * from final
