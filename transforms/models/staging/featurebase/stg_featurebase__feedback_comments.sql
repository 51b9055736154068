-- Featurebase comments in the canonical feedback-comment shape.
with

comments as (

    select * from {{ ref('base_featurebase__comments') }}

),

final as (

    select
        comment_key,
        post_key as feedback_key,
        {{ fw_key('source_system', 'source_account', 'parent_comment_id') }} as parent_comment_key,
        source_system,
        source_account,
        comment_id,
        post_id as feedback_id,
        parent_comment_id,
        author_id,
        author_name,
        author_email,
        author_type,
        content_html as content,
        upvotes,
        downvotes,
        is_private,
        created_at,
        updated_at
    from comments

)

select * from final
