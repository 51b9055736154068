-- Every registered vendor's stg_<vendor>__feedback, unioned by column name in the canonical shape (fw_contract).
with

unioned as (

    {{ fw_union_vendors('feedback') }}

),

final as (

    select * from unioned

)

select * from final
