-- Every vendor's comments on feedback, with the author's kind and soft deletes (the comment's own, or its item's).
with

comments as (

    select * from {{ ref('int_feedback_comments_unioned') }}

),

author_kinds as (

    select * from {{ ref('author_kinds') }}

),

feedback as (

    select * from {{ ref('int_feedback') }}

),

deletions as (

    select * from {{ ref('int_deletions') }}
    where entity = 'comment'

),

final as (

    select
        comments.*,
        coalesce(author_kinds.author_kind, case when comments.author_type is null then null else 'system' end)
            as author_kind,
        comments.parent_comment_id is not null as is_reply,
        -- a comment is gone with its feedback item
        deletions.deleted_id is not null or coalesce(feedback.is_deleted, false) as is_deleted,
        coalesce(deletions.deleted_at, feedback.deleted_at) as deleted_at
    from comments
    left join author_kinds
        on comments.source_system = author_kinds.source_system
        and comments.author_type = author_kinds.author_type
    left join feedback
        on comments.feedback_key = feedback.feedback_key
    left join deletions
        on comments.source_system = deletions.source_system
        and comments.source_account = deletions.source_account
        and comments.comment_id = deletions.deleted_id

)

select * from final
