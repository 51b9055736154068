{#- Minutes (decimal) from start_at to end_at; time-zone safe because both sides are epochs. -#}
{% macro fw_minutes_between(start_at, end_at) -%}
    (extract(epoch from {{ end_at }}) - extract(epoch from {{ start_at }})) / 60.0
{%- endmacro %}
