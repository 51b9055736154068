{#- The UTC calendar day of a timestamptz, whatever the session time zone (daily marts count UTC days). -#}
{% macro fw_utc_date(timestamp_at) -%}
    cast(timezone('UTC', {{ timestamp_at }}) as date)
{%- endmacro %}
