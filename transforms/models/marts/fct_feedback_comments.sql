with

feedback_comments as (

    select * from {{ ref('int_feedback_comments') }}

),

final as (

    select
        comment_key,
        feedback_key,
        parent_comment_key,
        source_system,
        source_account,
        comment_id,
        feedback_id,
        parent_comment_id,
        author_id,
        author_name,
        {{ fw_email('author_email') }} as author_email,
        {{ fw_person_key('author_email') }} as author_person_key,
        author_type,
        author_kind,
        content,
        upvotes,
        downvotes,
        is_private,
        is_reply,
        created_at,
        updated_at,
        is_deleted,
        deleted_at
    from feedback_comments

)

select * from final
