{#-
    Every vendor's tickets in one canonical shape (the column list of int_featurebase__tickets).
    A new vendor joins by adding one import CTE and one `union all` branch with the same columns in the same order.
-#}
with

featurebase_tickets as (

    select * from {{ ref('int_featurebase__tickets') }}

),

unioned as (

    select * from featurebase_tickets

),

final as (

    select * from unioned

)

select * from final
