with

voters as (

    select * from {{ ref('stg_featurebase__voters') }}

),

voter_companies_unnested as (

    select
        source_system,
        source_account,
        voter_id,
        unnest(
            from_json(
                companies,
                '[{"id": "VARCHAR", "companyId": "VARCHAR", "name": "VARCHAR", "monthlySpend": "DOUBLE", "plan": "VARCHAR"}]'
            )
        ) as company
    from voters

),

voter_companies as (

    select
        source_system,
        source_account,
        voter_id,
        -- Featurebase's company id; the customer's own id or the name when a company comes without one
        coalesce(company.id, company.companyId, company.name) as company_id,
        company.companyId as external_company_id,
        company.name as company_name,
        company.plan as company_plan,
        company.monthlySpend as monthly_spend
    from voter_companies_unnested

),

final as (

    select
        {{ fw_key('source_system', 'source_account', ['voter_id', 'company_id']) }} as voter_company_key,
        voter_companies.*
    from voter_companies
    where company_id is not null
    -- a company listed twice on one voter counts once
    qualify row_number() over (
        partition by source_system, source_account, voter_id, company_id
        order by monthly_spend desc nulls last
    ) = 1

)

select * from final
