-- FeedbackKit comments in the canonical feedback-comment shape: flat (no replies, no votes, no private
-- comments); author_type 'admin' or 'user' from isAdmin, which the author_kinds seed maps to agent / customer.
with

comments as (

    select * from {{ ref('base_feedbackkit__comments') }}

),

final as (

    select
        comment_key,
        feedback_key,
        cast(null as varchar) as parent_comment_key,
        source_system,
        source_account,
        comment_id,
        feedback_id,
        cast(null as varchar) as parent_comment_id,
        author_id,
        cast(null as varchar) as author_name,
        cast(null as varchar) as author_email,
        case
            when is_admin then 'admin'
            when not is_admin then 'user'
        end as author_type,
        content,
        cast(null as bigint) as upvotes,
        cast(null as bigint) as downvotes,
        false as is_private,
        created_at,
        -- FeedbackKit reports no edit time for comments
        cast(null as timestamp with time zone) as updated_at
    from comments

)

select * from final
