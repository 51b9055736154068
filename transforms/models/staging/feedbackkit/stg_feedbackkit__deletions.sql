-- FeedbackKit soft deletes; the loader already names entities canonically (feedback, comment).
with

deletions as (

    select * from {{ ref('base_feedbackkit__deletions') }}

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
