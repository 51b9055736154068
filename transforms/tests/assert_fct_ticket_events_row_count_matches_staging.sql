-- Every staged Featurebase conversation part is exactly one fct_ticket_events row.
with

stg_featurebase__ticket_conversation_parts as (

    select count(*) as staged_row_count from {{ ref('stg_featurebase__ticket_conversation_parts') }}

),

fct_ticket_events as (

    select count(*) as fact_row_count from {{ ref('fct_ticket_events') }}
    where source_system = 'featurebase'

),

final as (

    select
        stg_featurebase__ticket_conversation_parts.staged_row_count,
        fct_ticket_events.fact_row_count
    from stg_featurebase__ticket_conversation_parts
    cross join fct_ticket_events
    where stg_featurebase__ticket_conversation_parts.staged_row_count != fct_ticket_events.fact_row_count

)

select * from final
