-- Every staged Featurebase comment is exactly one fct_feedback_comments row.
with

stg_featurebase__comments as (

    select count(*) as staged_row_count from {{ ref('stg_featurebase__comments') }}

),

fct_feedback_comments as (

    select count(*) as fact_row_count from {{ ref('fct_feedback_comments') }}
    where source_system = 'featurebase'

),

final as (

    select
        stg_featurebase__comments.staged_row_count,
        fct_feedback_comments.fact_row_count
    from stg_featurebase__comments
    cross join fct_feedback_comments
    where stg_featurebase__comments.staged_row_count != fct_feedback_comments.fact_row_count

)

select * from final
