-- FeedbackKit feedback in the canonical feedback shape (fw_contract('feedback')). A merged item keeps its own
-- status as status_name, and its status_type is 'merged', which the feedback_status_stages seed maps to the
-- merged stage; the MRR behind an item is FeedbackKit's own totalMrr (it lists no voters).
with

feedbacks as (

    select * from {{ ref('base_feedbackkit__feedbacks') }}

),

final as (

    select
        feedback_key,
        source_system,
        source_account,
        feedback_id,
        -- one project per key and no boards: the category (feature_request, bug_report, ...) groups items
        cast(null as varchar) as board_id,
        cast(null as varchar) as board_name,
        category,
        title,
        cast(null as varchar) as url,
        author_id,
        author_email,
        cast(null as varchar) as author_name,
        cast(null as varchar) as status_id,
        status as status_name,
        case when is_merged then 'merged' else status end as status_type,
        vote_count,
        comment_count,
        total_mrr as mrr,
        merged_into_id,
        merged_at,
        rejection_reason,
        created_at,
        updated_at
    from feedbacks

)

select * from final
