-- Every staged Featurebase post is exactly one fct_feedback row (no post lost or fanned out by a join).
with

stg_featurebase__posts as (

    select count(*) as staged_row_count from {{ ref('stg_featurebase__posts') }}

),

fct_feedback as (

    select count(*) as fact_row_count from {{ ref('fct_feedback') }}
    where source_system = 'featurebase'

),

final as (

    select
        stg_featurebase__posts.staged_row_count,
        fct_feedback.fact_row_count
    from stg_featurebase__posts
    cross join fct_feedback
    where stg_featurebase__posts.staged_row_count != fct_feedback.fact_row_count

)

select * from final
