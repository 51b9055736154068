{#-
    Base models of the raw tables every vendor's source writes through the shared source layer
    (sources/common/observations.py): `deletions` and `vote_observations` have the same columns at every vendor,
    so their base model is written once here and each vendor's base model is one call:

        {{ fw_base_deletions('<vendor>') }}     (in models/staging/<vendor>/base/base_<vendor>__deletions.sql)
-#}

{#- One row per soft delete (source_account, entity, deleted_id) from `<vendor>.deletions`. -#}
{% macro fw_base_deletions(vendor) -%}
{%- set source_relation = source(vendor, 'deletions') -%}
{%- set source_columns = fw_source_columns(source_relation) -%}

with

source as (

    select * from {{ fw_source_or_empty(source_relation) }}

),

renamed as (

    select
        -- ids
        {{ fw_column(source_columns, 'id', 'varchar') }} as deleted_id,

        -- strings
        '{{ vendor }}' as source_system,
        {{ fw_column(source_columns, 'source_account', 'varchar') }} as source_account,
        {{ fw_column(source_columns, 'entity', 'varchar') }} as entity,

        -- timestamps
        {{ fw_column(source_columns, 'deleted_at', 'timestamp with time zone') }} as deleted_at

    from source

),

final as (

    select
        {{ fw_key('source_system', 'source_account', ['entity', 'deleted_id']) }} as deletion_key,
        renamed.*
    from renamed

)

select * from final
{%- endmacro %}

{#- One row per observation of a feedback item (source_account, feedback_id, observed_at) from
    `<vendor>.vote_observations`: its vote count, voter set (where the vendor lists voters), status and MRR. -#}
{% macro fw_base_vote_observations(vendor) -%}
{%- set source_relation = source(vendor, 'vote_observations') -%}
{%- set source_columns = fw_source_columns(source_relation) -%}

with

source as (

    select * from {{ fw_source_or_empty(source_relation) }}

),

renamed as (

    select
        -- ids
        {{ fw_column(source_columns, 'feedback_id', 'varchar') }} as feedback_id,

        -- strings
        '{{ vendor }}' as source_system,
        {{ fw_column(source_columns, 'source_account', 'varchar') }} as source_account,
        {{ fw_column(source_columns, 'status', 'varchar') }} as status,
        {{ fw_column(source_columns, 'status_type', 'varchar') }} as status_type,
        -- the complete voter set at observed_at, a JSON array of voter ids (sorted by the loader); null when the
        -- vendor lists no voters
        {{ fw_json_column(source_columns, 'voter_ids') }} as voter_ids_json,
        {{ fw_column(source_columns, '_dlt_load_id', 'varchar') }} as dlt_load_id,

        -- numbers
        {{ fw_column(source_columns, 'vote_count', 'bigint') }} as vote_count,
        {{ fw_column(source_columns, 'mrr', 'double precision') }} as mrr,

        -- booleans
        coalesce({{ fw_column(source_columns, 'voters_complete', 'boolean') }}, false) as is_voter_set_complete,

        -- timestamps
        {{ fw_column(source_columns, 'observed_at', 'timestamp with time zone') }} as observed_at,
        {{ fw_column(source_columns, 'feedback_updated_at', 'timestamp with time zone') }} as feedback_updated_at

    from source

),

final as (

    select
        {{ fw_key('source_system', 'source_account', ['feedback_id', fw_epoch_us('observed_at')]) }}
            as vote_observation_key,
        {{ fw_key('source_system', 'source_account', 'feedback_id') }} as feedback_key,
        renamed.*
    from renamed

)

select * from final
{%- endmacro %}
