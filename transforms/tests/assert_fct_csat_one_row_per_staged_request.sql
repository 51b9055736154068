-- Every distinct Featurebase CSAT request id (or, lacking one, rating part id) is exactly one fct_csat row.
with

stg_featurebase__ticket_conversation_parts as (

    select * from {{ ref('stg_featurebase__ticket_conversation_parts') }}

),

fct_csat as (

    select count(*) as fact_row_count from {{ ref('fct_csat') }}
    where source_system = 'featurebase'

),

staged_csat_requests as (

    select count(distinct source_account || '|' || coalesce(csat_request_id, part_id)) as staged_request_count
    from stg_featurebase__ticket_conversation_parts
    where part_type in ('rating_requested', 'rating_submitted')

),

final as (

    select
        staged_csat_requests.staged_request_count,
        fct_csat.fact_row_count
    from staged_csat_requests
    cross join fct_csat
    where staged_csat_requests.staged_request_count != fct_csat.fact_row_count

)

select * from final
