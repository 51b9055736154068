-- Every registered vendor's stg_<vendor>__feedback_comments, unioned by column name in the canonical shape (fw_contract).
with

unioned as (

    {{ fw_union_vendors('feedback_comments') }}

),

final as (

    select * from unioned

)

select * from final
