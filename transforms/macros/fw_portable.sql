{#-
    What differs between warehouse engines, behind adapter.dispatch (duckdb__ / postgres__ / default__). Every
    model uses these instead of engine-only syntax, so the same project builds on DuckDB and PostgreSQL.
-#}

{#- Text of a field inside a JSON column, `path` a list of keys (['csat', 'ratedAgent', 'id']). -#}
{% macro fw_json_text(column, path) -%}
    {{ return(adapter.dispatch('fw_json_text')(column, path)) }}
{%- endmacro %}

{% macro duckdb__fw_json_text(column, path) -%}
    json_extract_string(cast({{ column }} as json), '$.{{ path | join(".") }}')
{%- endmacro %}

{% macro postgres__fw_json_text(column, path) -%}
    (cast({{ column }} as jsonb) #>> '{{ "{" ~ (path | join(",")) ~ "}" }}')
{%- endmacro %}

{#-
    A lateral join to the elements of a JSON array column: one row per element, named `alias.column`; text for
    arrays of scalars, JSON for arrays of objects (read their fields with fw_json_text). A null array joins
    no rows.
-#}
{% macro fw_unnest_json_array(expression, alias, column, objects=false) -%}
    {{ return(adapter.dispatch('fw_unnest_json_array')(expression, alias, column, objects)) }}
{%- endmacro %}

{% macro duckdb__fw_unnest_json_array(expression, alias, column, objects) -%}
    {%- if objects -%}
    cross join unnest(json_extract(cast({{ expression }} as json), '$[*]')) as {{ alias }}({{ column }})
    {%- else -%}
    cross join unnest(cast(json_extract_string(cast({{ expression }} as json), '$[*]') as varchar[])) as {{ alias }}({{ column }})
    {%- endif -%}
{%- endmacro %}

{% macro postgres__fw_unnest_json_array(expression, alias, column, objects) -%}
    {%- if objects -%}
    cross join lateral jsonb_array_elements(
        case when jsonb_typeof(cast({{ expression }} as jsonb)) = 'array' then cast({{ expression }} as jsonb) end
    ) as {{ alias }}({{ column }})
    {%- else -%}
    cross join lateral jsonb_array_elements_text(
        case when jsonb_typeof(cast({{ expression }} as jsonb)) = 'array' then cast({{ expression }} as jsonb) end
    ) as {{ alias }}({{ column }})
    {%- endif -%}
{%- endmacro %}

{#- A lateral join to every calendar day from start_date to end_date (inclusive), as `alias.column` (date). -#}
{% macro fw_day_series(start_date, end_date, alias, column) -%}
    {{ return(adapter.dispatch('fw_day_series')(start_date, end_date, alias, column)) }}
{%- endmacro %}

{% macro duckdb__fw_day_series(start_date, end_date, alias, column) -%}
    cross join unnest(generate_series(cast({{ start_date }} as date), cast({{ end_date }} as date), interval '1 day')) as {{ alias }}({{ column }})
{%- endmacro %}

{% macro postgres__fw_day_series(start_date, end_date, alias, column) -%}
    cross join lateral generate_series(cast({{ start_date }} as date), cast({{ end_date }} as date), interval '1 day') as {{ alias }}({{ column }})
{%- endmacro %}

{#- Microseconds since the epoch, an exact integer on every engine (keys built from timestamps use it). -#}
{% macro fw_epoch_us(timestamp_at) -%}
    {{ return(adapter.dispatch('fw_epoch_us')(timestamp_at)) }}
{%- endmacro %}

{% macro duckdb__fw_epoch_us(timestamp_at) -%}
    epoch_us({{ timestamp_at }})
{%- endmacro %}

{% macro postgres__fw_epoch_us(timestamp_at) -%}
    cast(round(extract(epoch from {{ timestamp_at }}) * 1000000) as bigint)
{%- endmacro %}

{#- Minutes (double) from start_at to end_at; time-zone safe because both sides are epochs. -#}
{% macro fw_minutes_between(start_at, end_at) -%}
    cast((extract(epoch from {{ end_at }}) - extract(epoch from {{ start_at }})) / 60.0 as double precision)
{%- endmacro %}

{#- The UTC calendar day of a timestamptz, whatever the session time zone (daily marts count UTC days). -#}
{% macro fw_utc_date(timestamp_at) -%}
    cast(timezone('UTC', {{ timestamp_at }}) as date)
{%- endmacro %}

{#- A continuous percentile (linear interpolation), as an aggregate. -#}
{% macro fw_percentile(expression, fraction) -%}
    percentile_cont({{ fraction }}) within group (order by {{ expression }})
{%- endmacro %}

{#- The JSON type of a raw column: DuckDB's json, PostgreSQL's jsonb (what dlt creates on each). -#}
{% macro fw_type_json() -%}
    {{ return(adapter.dispatch('fw_type_json')()) }}
{%- endmacro %}

{% macro default__fw_type_json() -%}
    json
{%- endmacro %}

{% macro postgres__fw_type_json() -%}
    jsonb
{%- endmacro %}

{#- 100 * numerator / denominator as a double (null when the denominator is 0): the same type on every engine. -#}
{% macro fw_pct(numerator, denominator) -%}
    cast(100.0 * {{ numerator }} / nullif({{ denominator }}, 0) as double precision)
{%- endmacro %}
