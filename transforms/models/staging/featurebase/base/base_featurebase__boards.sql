{%- set source_relation = source('featurebase', 'boards') -%}
{%- set source_columns = fw_source_columns(source_relation) -%}

with

source as (

    select * from {{ fw_source_or_empty(source_relation) }}

),

renamed as (

    select
        -- ids
        {{ fw_column(source_columns, 'id', 'varchar') }} as board_id,

        -- strings
        'featurebase' as source_system,
        {{ fw_column(source_columns, 'source_account', 'varchar') }} as source_account,
        {{ fw_column(source_columns, 'name', 'varchar') }} as board_name,
        {{ fw_json_column(source_columns, 'access') }} as access,
        {{ fw_json_column(source_columns, 'features') }} as features,

        -- timestamps
        {{ fw_column(source_columns, 'created_at', 'timestamp with time zone') }} as created_at

    from source

),

final as (

    select
        {{ fw_key('source_system', 'source_account', 'board_id') }} as board_key,
        renamed.*
    from renamed

)

select * from final
