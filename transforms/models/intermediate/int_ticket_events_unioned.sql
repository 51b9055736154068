-- Every registered vendor's stg_<vendor>__ticket_events, unioned by column name in the canonical shape (fw_contract).
with

unioned as (

    {{ fw_union_vendors('ticket_events') }}

),

final as (

    select * from unioned

)

select * from final
