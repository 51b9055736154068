{#-
    Every vendor's feedback posts (Featurebase posts, Product7/FeedbackKit/UsersLoop feedback) in one canonical shape
    (the column list of int_featurebase__feedback). A new vendor joins by adding one import CTE
    and one `union all` branch with the same columns in the same order.
-#}
with

featurebase_feedback as (

    select * from {{ ref('int_featurebase__feedback') }}

),

unioned as (

    select * from featurebase_feedback

),

final as (

    select * from unioned

)

select * from final
