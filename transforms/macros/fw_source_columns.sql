{#-
    Raw tables are written by dlt, which adds a column only once some record had a non-null value for it,
    and creates a table only once it received a row. These macros let staging models select a column that
    may not exist (yet) in one account's warehouse:

        {%- set source_relation = source('<vendor>', '<table>') -%}
        {%- set source_columns = fw_source_columns(source_relation) -%}
        source as (select * from {{ fw_source_or_empty(source_relation) }}),
        ... {{ fw_column(source_columns, '<column>', 'timestamp with time zone') }} as <column>,
-#}

{#- Lower-cased column names of a relation; [] when it does not exist or while parsing. -#}
{% macro fw_source_columns(relation) -%}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set columns = adapter.get_columns_in_relation(relation) -%}
    {{ return(columns | map(attribute='name') | map('lower') | list) }}
{%- endmacro %}

{#- The relation itself, or an empty row set when dlt has not created the table yet (an empty vendor account). -#}
{% macro fw_source_or_empty(relation) -%}
    {%- if execute and adapter.get_relation(
        database=relation.database,
        schema=relation.schema,
        identifier=relation.identifier,
    ) is none -%}
        (select null as _fw_missing_source where false) as missing_source
    {%- else -%}
        {{ relation }}
    {%- endif -%}
{%- endmacro %}

{#- The column cast to data_type when it exists, else a typed null. -#}
{% macro fw_column(source_columns, column_name, data_type) -%}
    {%- if column_name | lower in source_columns -%}
        cast({{ adapter.quote(column_name | lower) }} as {{ data_type }})
    {%- else -%}
        cast(null as {{ data_type }})
    {%- endif -%}
{%- endmacro %}

{#-
    A field of a nested object: extracted from the JSON column (e.g. author, path 'email') when dlt stored the
    object as JSON, else read from dlt's flattened column (author__email, csat__rated_agent__id) when the
    pipeline flattened it, else a typed null. json_path is dotted camelCase as in the API ('ratedAgent.id').
-#}
{% macro fw_json_field(source_columns, column_name, json_path, data_type) -%}
    {%- set flattened_name = column_name ~ '__' ~ (
        modules.re.sub('(?<!^)(?=[A-Z])', '_', json_path).lower().replace('.', '__')
    ) -%}
    {%- if column_name | lower in source_columns -%}
        cast({{ fw_json_text(adapter.quote(column_name | lower), json_path.split('.')) }} as {{ data_type }})
    {%- elif flattened_name in source_columns -%}
        cast({{ adapter.quote(flattened_name) }} as {{ data_type }})
    {%- else -%}
        cast(null as {{ data_type }})
    {%- endif -%}
{%- endmacro %}

{#- A raw JSON column as text (portable: DuckDB json and PostgreSQL jsonb both cast to text), else null. -#}
{% macro fw_json_column(source_columns, column_name) -%}
    {%- if column_name | lower in source_columns -%}
        cast({{ adapter.quote(column_name | lower) }} as varchar)
    {%- else -%}
        cast(null as varchar)
    {%- endif -%}
{%- endmacro %}
