{%- set source_relation = source('featurebase', 'voters') -%}
{%- set source_columns = fw_source_columns(source_relation) -%}

with

source as (

    select * from {{ fw_source_or_empty(source_relation) }}

),

renamed as (

    select
        -- ids
        {{ fw_column(source_columns, 'id', 'varchar') }} as voter_id,
        {{ fw_column(source_columns, 'user_id', 'varchar') }} as external_user_id,

        -- strings
        'featurebase' as source_system,
        {{ fw_column(source_columns, 'source_account', 'varchar') }} as source_account,
        {{ fw_column(source_columns, 'name', 'varchar') }} as voter_name,
        {{ fw_column(source_columns, 'email', 'varchar') }} as voter_email,
        {{ fw_column(source_columns, 'type', 'varchar') }} as voter_type,
        {{ fw_json_column(source_columns, 'companies') }} as companies,
        {{ fw_column(source_columns, '_dlt_load_id', 'varchar') }} as dlt_load_id

    from source

),

final as (

    select
        {{ fw_key('source_system', 'source_account', 'voter_id') }} as voter_key,
        renamed.*
    from renamed

)

select * from final
