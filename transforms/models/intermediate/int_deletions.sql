-- Every vendor's soft deletes (canonical entities: ticket, feedback, comment, roadmap_item).
with

deletions as (

    {{ fw_union_vendors('deletions') }}

),

final as (

    select * from deletions

)

select * from final
