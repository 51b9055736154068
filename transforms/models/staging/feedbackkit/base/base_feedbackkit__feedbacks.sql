{%- set source_relation = source('feedbackkit', 'feedbacks') -%}
{%- set source_columns = fw_source_columns(source_relation) -%}

with

source as (

    select * from {{ fw_source_or_empty(source_relation) }}

),

renamed as (

    select
        -- ids
        {{ fw_column(source_columns, 'id', 'varchar') }} as feedback_id,
        {{ fw_column(source_columns, 'user_id', 'varchar') }} as author_id,
        {{ fw_column(source_columns, 'merged_into_id', 'varchar') }} as merged_into_id,

        -- strings
        'feedbackkit' as source_system,
        {{ fw_column(source_columns, 'source_account', 'varchar') }} as source_account,
        {{ fw_column(source_columns, 'title', 'varchar') }} as title,
        {{ fw_column(source_columns, 'description', 'varchar') }} as description,
        {{ fw_column(source_columns, 'status', 'varchar') }} as status,
        {{ fw_column(source_columns, 'category', 'varchar') }} as category,
        {{ fw_column(source_columns, 'user_email', 'varchar') }} as author_email,
        {{ fw_column(source_columns, 'rejection_reason', 'varchar') }} as rejection_reason,
        -- ids of the items merged into this one (direct merges), a JSON array; null on older rows
        {{ fw_json_column(source_columns, 'merged_feedback_ids') }} as merged_feedback_ids_json,
        {{ fw_column(source_columns, '_dlt_load_id', 'varchar') }} as dlt_load_id,

        -- numbers
        {{ fw_column(source_columns, 'vote_count', 'bigint') }} as vote_count,
        {{ fw_column(source_columns, 'comment_count', 'bigint') }} as comment_count,
        -- combined MRR of the voters as FeedbackKit reports it; null when no voter has a known MRR (not 0)
        {{ fw_column(source_columns, 'total_mrr', 'double precision') }} as total_mrr,

        -- booleans
        {{ fw_column(source_columns, 'merged_into_id', 'varchar') }} is not null as is_merged,

        -- timestamps
        {{ fw_column(source_columns, 'created_at', 'timestamp with time zone') }} as created_at,
        {{ fw_column(source_columns, 'updated_at', 'timestamp with time zone') }} as updated_at,
        {{ fw_column(source_columns, 'merged_at', 'timestamp with time zone') }} as merged_at

    from source

),

final as (

    select
        {{ fw_key('source_system', 'source_account', 'feedback_id') }} as feedback_key,
        renamed.*
    from renamed

)

select * from final
