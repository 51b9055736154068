-- Product7 soft deletes; the source already names entities canonically (ticket, feedback).
with

deletions as (

    select * from {{ ref('base_product7__deletions') }}

),

final as (

    select
        source_system,
        source_account,
        entity,
        deleted_id,
        deleted_at
    from deletions

)

select * from final
