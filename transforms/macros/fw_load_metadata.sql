{#- A raw relation of a vendor dataset, whether or not dlt has created it (pair with fw_source_or_empty). -#}
{% macro fw_raw_relation(dataset, table_name) -%}
    {{ return(api.Relation.create(database=target.database, schema=dataset, identifier=table_name)) }}
{%- endmacro %}

{#-
    Tables of a raw dataset that dlt stamps with _dlt_load_id (its root tables; dlt's own _dlt_* tables
    excluded), sorted; [] while parsing or when the dataset does not exist.
-#}
{% macro fw_loaded_tables(dataset) -%}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set query -%}
        select distinct table_name
        from information_schema.columns
        where
            table_catalog = '{{ target.database }}'
            and table_schema = '{{ dataset }}'
            and column_name = '_dlt_load_id'
            and table_name not like '\_dlt%' escape '\'
        order by table_name
    {%- endset -%}
    {{ return(run_query(query).columns[0].values() | list) }}
{%- endmacro %}
