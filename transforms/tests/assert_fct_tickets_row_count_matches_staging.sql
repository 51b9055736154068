-- Every staged Featurebase ticket is exactly one fct_tickets row (no ticket lost or fanned out by a join).
with

stg_featurebase__tickets as (

    select count(*) as staged_row_count from {{ ref('stg_featurebase__tickets') }}

),

fct_tickets as (

    select count(*) as fact_row_count from {{ ref('fct_tickets') }}
    where source_system = 'featurebase'

),

final as (

    select
        stg_featurebase__tickets.staged_row_count,
        fct_tickets.fact_row_count
    from stg_featurebase__tickets
    cross join fct_tickets
    where stg_featurebase__tickets.staged_row_count != fct_tickets.fact_row_count

)

select * from final
