-- UsersLoop deletions with canonical entities: feedback, and roadmap_item for both roadmap items and product updates.
-- Roadmap items and updates are numbered separately (both start at 1), so their deleted_id is
-- `<item_kind>:<id>` ('roadmap:3', 'update:3'), the same pair stg_usersloop__roadmap_items carries as
-- item_kind and item_id. Boards, helpdesk articles and categories have no canonical entity: base model only.
with

deletions as (

    select * from {{ ref('base_usersloop__deletions') }}

),

final as (

    select
        source_system,
        source_account,
        case when entity = 'feedback' then 'feedback' else 'roadmap_item' end as entity,
        case
            when entity = 'feedback' then deleted_id
            else entity || ':' || deleted_id
        end as deleted_id,
        deleted_at
    from deletions
    where entity in ('feedback', 'roadmap', 'update')

)

select * from final
