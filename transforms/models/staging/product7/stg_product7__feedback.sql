-- Product7 feedback in the canonical feedback shape (fw_contract('feedback')). Product7 statuses have one level
-- (open, pending, under_review, planned, in_progress, completed, closed): the status is its own name and type,
-- which the feedback_status_stages seed maps to a stage. No voters, MRR or merges are reported.
with

feedback as (

    select * from {{ ref('base_product7__feedback') }}

),

final as (

    select
        feedback_key,
        source_system,
        source_account,
        feedback_id,
        board_id,
        board_name,
        category_name as category,
        title,
        feedback_url as url,
        author_id,
        author_email,
        author_name,
        status as status_id,
        status as status_name,
        status as status_type,
        vote_count,
        comment_count,
        cast(null as double precision) as mrr,
        cast(null as varchar) as merged_into_id,
        cast(null as timestamp with time zone) as merged_at,
        cast(null as varchar) as rejection_reason,
        created_at,
        updated_at
    from feedback

)

select * from final
