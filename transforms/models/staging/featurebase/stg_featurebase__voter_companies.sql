-- One row per Featurebase voter and company of theirs (voters carry `companies[]` with `monthlySpend`).
with

voters as (

    select * from {{ ref('base_featurebase__voters') }}

),

voter_companies as (

    select
        voters.source_system,
        voters.source_account,
        voters.voter_id,
        voters.voter_email,
        {{ fw_json_text('company.company_json', ['id']) }} as company_id_raw,
        {{ fw_json_text('company.company_json', ['companyId']) }} as external_company_id,
        {{ fw_json_text('company.company_json', ['name']) }} as company_name,
        {{ fw_json_text('company.company_json', ['plan']) }} as company_plan,
        cast({{ fw_json_text('company.company_json', ['monthlySpend']) }} as double precision) as monthly_spend
    from voters
    {{ fw_unnest_json_array('voters.companies', 'company', 'company_json', objects=true) }}

),

final as (

    select
        source_system,
        source_account,
        voter_id,
        voter_email,
        -- Featurebase's company id; the customer's own id or the name when a company comes without one
        coalesce(company_id_raw, external_company_id, company_name) as company_id,
        external_company_id,
        company_name,
        company_plan,
        monthly_spend
    from voter_companies

)

select * from final
