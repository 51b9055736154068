{#-
    What UsersLoop shipped for whom, in the canonical roadmap-item shape (fw_contract('roadmap_items')): one row per
    roadmap item (any status) or PUBLISHED product update and each feedback item it addresses (the `feedback` of
    its detail). Drafts and scheduled updates have told nobody yet; an item addressing no feedback has no row.

    Shipped: a published update is shipped when it was published; a roadmap item when its status is `complete`,
    at the publication of the first published update announcing it (its detail's `roadmap`), else at its last
    update (the best trace UsersLoop keeps of when it was completed).

    Links are as the vendor last showed them: deleting feedback removes its links without moving the linking
    item's updated_at, so a link to feedback deleted since remains here; stg_usersloop__deletions flags both the
    feedback (entity feedback) and deleted items (entity roadmap_item, deleted_id `<item_kind>:<item_id>`).
-#}
with

roadmap as (

    select * from {{ ref('base_usersloop__roadmap') }}

),

updates as (

    select * from {{ ref('base_usersloop__updates') }}

),

published_updates as (

    select * from updates
    where is_published

),

announcements as (

    -- each roadmap item a published update announces, with when it was published
    select
        published_updates.source_account,
        {{ fw_json_text('announced_item.roadmap_item', ['id']) }} as roadmap_item_id,
        published_updates.published_at
    from published_updates
    {{ fw_unnest_json_array('published_updates.roadmap_json', 'announced_item', 'roadmap_item', objects=true) }}

),

first_announcements as (

    select
        source_account,
        roadmap_item_id,
        min(published_at) as first_published_at
    from announcements
    group by source_account, roadmap_item_id

),

roadmap_links as (

    select
        roadmap.source_system,
        roadmap.source_account,
        'roadmap' as item_kind,
        roadmap.roadmap_item_id as item_id,
        roadmap.roadmap_item_name as title,
        roadmap.status,
        roadmap.status = 'complete' as is_shipped,
        {{ fw_json_text('linked_feedback.feedback_item', ['id']) }} as feedback_id,
        roadmap.created_at,
        roadmap.updated_at,
        case
            when roadmap.status = 'complete'
                then coalesce(first_announcements.first_published_at, roadmap.updated_at)
        end as shipped_at
    from roadmap
    {{ fw_unnest_json_array('roadmap.feedback_json', 'linked_feedback', 'feedback_item', objects=true) }}
    left join first_announcements
        on roadmap.source_account = first_announcements.source_account
        and roadmap.roadmap_item_id = first_announcements.roadmap_item_id

),

update_links as (

    select
        published_updates.source_system,
        published_updates.source_account,
        'update' as item_kind,
        published_updates.update_id as item_id,
        published_updates.title,
        published_updates.status,
        true as is_shipped,
        {{ fw_json_text('linked_feedback.feedback_item', ['id']) }} as feedback_id,
        published_updates.created_at,
        published_updates.updated_at,
        published_updates.published_at as shipped_at
    from published_updates
    {{ fw_unnest_json_array('published_updates.feedback_json', 'linked_feedback', 'feedback_item', objects=true) }}

),

links as (

    select * from roadmap_links
    union all
    select * from update_links

),

final as (

    select
        {{ fw_key('source_system', 'source_account', ['item_kind', 'item_id', 'feedback_id']) }} as roadmap_item_key,
        source_system,
        source_account,
        item_kind,
        item_id,
        title,
        status,
        is_shipped,
        feedback_id,
        created_at,
        updated_at,
        shipped_at
    from links

)

select * from final
