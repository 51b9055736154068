{#-
    Every vendor's comments on feedback in one canonical shape
    (the column list of int_featurebase__feedback_comments). A new vendor joins by adding one import CTE
    and one `union all` branch with the same columns in the same order.
-#}
with

featurebase_feedback_comments as (

    select * from {{ ref('int_featurebase__feedback_comments') }}

),

unioned as (

    select * from featurebase_feedback_comments

),

final as (

    select * from unioned

)

select * from final
