{#-
    Every vendor's observed vote events in one canonical shape
    (the column list of int_featurebase__vote_events). A new vendor joins by adding one import CTE
    and one `union all` branch with the same columns in the same order.
-#}
with

featurebase_vote_events as (

    select * from {{ ref('int_featurebase__vote_events') }}

),

unioned as (

    select * from featurebase_vote_events

),

final as (

    select * from unioned

)

select * from final
