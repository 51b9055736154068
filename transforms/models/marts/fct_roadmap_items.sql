-- One row per roadmap item or update and the feedback it addresses, with that feedback's demand (votes, voters,
-- MRR behind it): "what did we ship, and for how many voters and how much revenue".
with

roadmap_items as (

    select * from {{ ref('int_roadmap_items') }}

),

feedback as (

    select * from {{ ref('fct_feedback') }}

),

deletions as (

    select * from {{ ref('int_deletions') }}
    where entity = 'roadmap_item'

),

final as (

    select
        roadmap_items.roadmap_item_key,
        roadmap_items.source_system,
        roadmap_items.source_account,
        roadmap_items.item_kind,
        roadmap_items.item_id,
        roadmap_items.title,
        roadmap_items.status,
        roadmap_items.is_shipped,
        roadmap_items.shipped_at,
        roadmap_items.created_at,
        roadmap_items.updated_at,
        roadmap_items.feedback_id,
        feedback.feedback_key,
        feedback.title as feedback_title,
        feedback.status_stage as feedback_status_stage,
        feedback.vote_count as feedback_vote_count,
        feedback.unique_voters as feedback_unique_voters,
        feedback.voter_mrr as feedback_mrr,
        coalesce(feedback.is_deleted, false) as is_feedback_deleted,
        deletions.deleted_id is not null as is_deleted
    from roadmap_items
    left join feedback
        on roadmap_items.source_system = feedback.source_system
        and roadmap_items.source_account = feedback.source_account
        and roadmap_items.feedback_id = feedback.feedback_id
    left join deletions
        on roadmap_items.source_system = deletions.source_system
        and roadmap_items.source_account = deletions.source_account
        and roadmap_items.item_kind || ':' || roadmap_items.item_id = deletions.deleted_id

)

select * from final
