-- Featurebase posts in the canonical feedback shape (fw_contract('feedback')), with their board's name.
with

posts as (

    select * from {{ ref('base_featurebase__posts') }}

),

boards as (

    select * from {{ ref('base_featurebase__boards') }}

),

final as (

    select
        posts.post_key as feedback_key,
        posts.source_system,
        posts.source_account,
        posts.post_id as feedback_id,
        posts.board_id,
        boards.board_name,
        boards.board_name as category,
        posts.title,
        posts.post_url as url,
        posts.author_id,
        posts.author_email,
        posts.author_name,
        posts.status_id,
        posts.status_name,
        posts.status_type,
        posts.upvotes as vote_count,
        posts.comment_count,
        -- Featurebase reports spend per voter company, not per post: the MRR behind a post comes from its voters
        cast(null as double precision) as mrr,
        cast(null as varchar) as merged_into_id,
        cast(null as timestamp with time zone) as merged_at,
        cast(null as varchar) as rejection_reason,
        posts.created_at,
        posts.updated_at
    from posts
    left join boards
        on posts.source_account = boards.source_account
        and posts.board_id = boards.board_id

)

select * from final
