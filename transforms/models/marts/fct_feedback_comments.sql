with

feedback_comments as (

    select * from {{ ref('int_feedback_comments_unioned') }}

),

feedback as (

    select * from {{ ref('int_feedback_unioned') }}

),

final as (

    select
        feedback_comments.comment_key,
        feedback_comments.feedback_key,
        feedback_comments.parent_comment_key,
        feedback_comments.source_system,
        feedback_comments.source_account,
        feedback_comments.comment_id,
        feedback_comments.feedback_id,
        feedback_comments.parent_comment_id,
        feedback_comments.author_id,
        feedback_comments.author_name,
        feedback_comments.author_email,
        feedback_comments.author_type,
        feedback_comments.content,
        feedback_comments.upvotes,
        feedback_comments.downvotes,
        feedback_comments.is_private,
        feedback_comments.is_reply,
        feedback_comments.created_at,
        feedback_comments.updated_at,
        -- a comment is gone with its feedback item
        feedback_comments.is_deleted or coalesce(feedback.is_deleted, false) as is_deleted,
        coalesce(feedback_comments.deleted_at, feedback.deleted_at) as deleted_at
    from feedback_comments
    left join feedback
        on feedback_comments.feedback_key = feedback.feedback_key

)

select * from final
