-- Every vendor's roadmap items and published updates, each with the feedback it addresses (canonical shape).
with

roadmap_items as (

    {{ fw_union_vendors('roadmap_items') }}

),

final as (

    select * from roadmap_items

)

select * from final
