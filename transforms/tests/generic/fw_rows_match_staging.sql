{#-
    Staging <-> fact integrity, per vendor: every vendor providing `entity` has as many rows in
    stg_<vendor>__<entity> as the model has rows with its source_system (nothing dropped or fanned out on the way).
    Returns one row per vendor whose counts differ.
-#}
{% test fw_rows_match_staging(model, entity) %}
    {%- set vendors = fw_vendors(entity) %}
    with

    model_counts as (

        select source_system, count(*) as model_rows
        from {{ model }}
        group by source_system

    ),

    staging_counts as (

        {%- if vendors | length == 0 %}
        select cast(null as varchar) as source_system, cast(0 as bigint) as staging_rows where 1 = 0
        {%- endif %}
        {%- for vendor in vendors %}
        select '{{ vendor }}' as source_system, count(*) as staging_rows
        from {{ ref('stg_' ~ vendor ~ '__' ~ entity) }}
        {% if not loop.last %}union all{% endif %}
        {%- endfor %}

    )

    select
        coalesce(staging_counts.source_system, model_counts.source_system) as source_system,
        coalesce(staging_counts.staging_rows, 0) as staging_rows,
        coalesce(model_counts.model_rows, 0) as model_rows
    from staging_counts
    full outer join model_counts
        on staging_counts.source_system = model_counts.source_system
    where coalesce(staging_counts.staging_rows, 0) != coalesce(model_counts.model_rows, 0)
{% endtest %}
