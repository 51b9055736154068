{#-
    One row per quarantined record (a record a source could not load: no id, unparsable timestamp, ...), from
    every vendor dataset's `quarantine` table; a vendor without one contributes zero rows.
-#}
{%- set datasets = fw_vendor_datasets() -%}

with

{% for dataset in datasets %}
{%- set quarantine_relation = fw_raw_relation(dataset, 'quarantine') -%}
{%- set quarantine_columns = fw_source_columns(quarantine_relation) -%}
{{ dataset }}_quarantine as (

    select
        coalesce({{ fw_column(quarantine_columns, 'vendor', 'varchar') }}, '{{ dataset }}') as source_system,
        {{ fw_column(quarantine_columns, 'source_account', 'varchar') }} as source_account,
        {{ fw_column(quarantine_columns, '_dlt_id', 'varchar') }} as dlt_id,
        {{ fw_column(quarantine_columns, 'endpoint', 'varchar') }} as endpoint,
        {{ fw_column(quarantine_columns, 'reason', 'varchar') }} as reason,
        {{ fw_column(quarantine_columns, 'record_id', 'varchar') }} as record_id,
        {{ fw_column(quarantine_columns, 'payload', 'varchar') }} as payload,
        {{ fw_column(quarantine_columns, '_dlt_load_id', 'varchar') }} as load_id,
        {{ fw_column(quarantine_columns, 'quarantined_at', 'timestamp with time zone') }} as quarantined_at
    from {{ fw_source_or_empty(quarantine_relation) }}

),

{% endfor -%}

quarantine_unioned as (

    {% for dataset in datasets -%}
    select * from {{ dataset }}_quarantine
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        {{ fw_key('source_system', 'source_account', 'dlt_id') }} as quarantine_key,
        source_system,
        source_account,
        endpoint,
        reason,
        record_id,
        {{ fw_scrub_emails('payload') }} as payload,
        load_id,
        quarantined_at
    from quarantine_unioned

)

select * from final
