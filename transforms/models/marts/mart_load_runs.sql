{#-
    One row per vendor dataset, load, raw table and account: the rows each dlt load wrote, with the load's
    status and time from <dataset>._dlt_loads. A load that wrote no rows (nothing changed) still has one row
    with table_name null, so "last successful load" sees it. Datasets come from fw_vendor_datasets().
-#}
{%- set datasets = fw_vendor_datasets() -%}

with

{% for dataset in datasets %}
{%- set loads_relation = fw_raw_relation(dataset, '_dlt_loads') -%}
{%- set loads_columns = fw_source_columns(loads_relation) -%}
{{ dataset }}_loads as (

    select
        '{{ dataset }}' as source_system,
        {{ fw_column(loads_columns, 'load_id', 'varchar') }} as load_id,
        {{ fw_column(loads_columns, 'status', 'integer') }} as load_status,
        {{ fw_column(loads_columns, 'inserted_at', 'timestamp with time zone') }} as loaded_at
    from {{ fw_source_or_empty(loads_relation) }}

),

{{ dataset }}_table_rows as (

    {%- set tables = fw_loaded_tables(dataset) %}
    {%- for table_name in tables %}
    {%- set table_relation = fw_raw_relation(dataset, table_name) %}
    {%- set table_columns = fw_source_columns(table_relation) %}
    select
        '{{ table_name }}' as table_name,
        {{ fw_column(table_columns, 'source_account', 'varchar') }} as source_account,
        _dlt_load_id as load_id,
        count(*) as rows_loaded
    from {{ table_relation }}
    group by 1, 2, 3
    {% if not loop.last %}union all{% endif %}
    {%- else %}
    select
        cast(null as varchar) as table_name,
        cast(null as varchar) as source_account,
        cast(null as varchar) as load_id,
        cast(null as bigint) as rows_loaded
    where 1 = 0
    {%- endfor %}

),

{% endfor -%}

loads as (

    {% for dataset in datasets -%}
    select * from {{ dataset }}_loads
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

table_rows as (

    {% for dataset in datasets -%}
    select '{{ dataset }}' as source_system, * from {{ dataset }}_table_rows
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        {{ fw_key('loads.source_system', "coalesce(table_rows.source_account, '')", ['loads.load_id', "coalesce(table_rows.table_name, '')"]) }}
            as load_run_key,
        loads.source_system,
        table_rows.source_account,
        loads.load_id,
        table_rows.table_name,
        coalesce(table_rows.rows_loaded, 0) as rows_loaded,
        loads.load_status,
        loads.load_status = 0 as is_success,
        loads.loaded_at
    from loads
    left join table_rows
        on loads.source_system = table_rows.source_system
        and loads.load_id = table_rows.load_id

)

select * from final
