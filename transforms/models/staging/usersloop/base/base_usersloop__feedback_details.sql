{%- set source_relation = source('usersloop', 'feedback_details') -%}
{%- set source_columns = fw_source_columns(source_relation) -%}

with

source as (

    select * from {{ fw_source_or_empty(source_relation) }}

),

renamed as (

    select
        -- ids
        {{ fw_column(source_columns, 'feedback_id', 'varchar') }} as feedback_id,
        {{ fw_json_field(source_columns, 'account', 'id', 'varchar') }} as account_id,
        {{ fw_json_field(source_columns, 'account_user', 'id', 'varchar') }} as account_user_id,

        -- strings
        'usersloop' as source_system,
        {{ fw_column(source_columns, 'source_account', 'varchar') }} as source_account,
        {{ fw_json_field(source_columns, 'account', 'name', 'varchar') }} as account_name,
        {{ fw_json_field(source_columns, 'account_user', 'name', 'varchar') }} as account_user_name,
        {{ fw_json_field(source_columns, 'account_user', 'email', 'varchar') }} as account_user_email,
        -- tags as a JSON array of {id, name}
        {{ fw_json_column(source_columns, 'tags') }} as tags_json,

        -- timestamps
        {{ fw_column(source_columns, 'feedback_updated_at', 'timestamp with time zone') }} as feedback_updated_at

    from source

),

final as (

    select
        {{ fw_key('source_system', 'source_account', 'feedback_id') }} as feedback_key,
        renamed.*
    from renamed

)

select * from final
