with

feedback as (

    select * from {{ ref('int_feedback') }}

),

final as (

    select
        feedback_key,
        source_system,
        source_account,
        feedback_id,
        board_id,
        board_name,
        category,
        title,
        url,
        author_id,
        {{ fw_email('author_email') }} as author_email,
        {{ fw_person_key('author_email') }} as author_person_key,
        author_name,
        status_id,
        status_name,
        status_type,
        status_stage,
        is_status_unmapped,
        vote_count,
        comment_count,
        unique_voters,
        unique_voting_companies,
        voter_mrr,
        voters_observed_at,
        created_at,
        updated_at,
        stage_entered_at,
        merged_into_key,
        merged_at,
        rejection_reason,
        is_deleted,
        deleted_at
    from feedback

)

select * from final
