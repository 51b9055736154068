with

comments as (

    select * from {{ ref('stg_featurebase__comments') }}

),

deletions as (

    select * from {{ ref('stg_featurebase__deletions') }}

),

comment_deletions as (

    select * from deletions
    where entity = 'comment'

),

final as (

    select
        comments.comment_key,
        comments.post_key as feedback_key,
        {{ fw_key('comments.source_system', 'comments.source_account', 'comments.parent_comment_id') }} as parent_comment_key,
        comments.source_system,
        comments.source_account,
        comments.comment_id,
        comments.post_id as feedback_id,
        comments.parent_comment_id,
        comments.author_id,
        comments.author_name,
        comments.author_email,
        comments.author_type,
        comments.content_html as content,
        comments.upvotes,
        comments.downvotes,
        comments.is_private,
        comments.parent_comment_id is not null as is_reply,
        comments.created_at,
        comments.updated_at,
        comment_deletions.deleted_id is not null as is_deleted,
        comment_deletions.deleted_at
    from comments
    left join comment_deletions
        on comments.source_account = comment_deletions.source_account
        and comments.comment_id = comment_deletions.deleted_id

)

select * from final
