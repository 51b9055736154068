-- UsersLoop feedback in the canonical feedback shape (fw_contract('feedback')): its primary (first) board, whose
-- name is also its category (UsersLoop's boards are its categories), and its account user as the author.
with

feedback as (

    select * from {{ ref('base_usersloop__feedback') }}

),

feedback_boards as (

    select * from {{ ref('base_usersloop__feedback_boards') }}

),

feedback_details as (

    select * from {{ ref('base_usersloop__feedback_details') }}

),

boards as (

    select * from {{ ref('base_usersloop__boards') }}

),

final as (

    select
        feedback.feedback_key,
        feedback.source_system,
        feedback.source_account,
        feedback.feedback_id,
        feedback_boards.primary_board_id as board_id,
        boards.board_name,
        boards.board_name as category,
        feedback.title,
        -- the API gives no public URL of an item
        cast(null as varchar) as url,
        feedback_details.account_user_id as author_id,
        feedback_details.account_user_email as author_email,
        feedback_details.account_user_name as author_name,
        -- one flat status: it is the status, its name and its type (the feedback_status_stages seed maps types)
        feedback.status as status_id,
        feedback.status as status_name,
        feedback.status as status_type,
        feedback.votes_count as vote_count,
        feedback.comments_count as comment_count,
        cast(null as double precision) as mrr,
        cast(null as varchar) as merged_into_id,
        cast(null as timestamp with time zone) as merged_at,
        cast(null as varchar) as rejection_reason,
        feedback.created_at,
        feedback.updated_at
    from feedback
    left join feedback_boards
        on feedback.feedback_key = feedback_boards.feedback_key
    left join feedback_details
        on feedback.feedback_key = feedback_details.feedback_key
    left join boards
        on feedback_boards.source_account = boards.source_account
        and feedback_boards.primary_board_id = boards.board_id

)

select * from final
