{#-
    Every registered vendor's `stg_<vendor>__<entity>` in the canonical shape of fw_contract(entity), unioned
    by column name: each branch selects the contract's columns by name, so a vendor model with its columns in
    another order still lines up, and one missing a column fails the build instead of shifting data. With no
    vendor providing the entity it is an empty, typed relation, so every downstream mart still builds.
-#}
{% macro fw_union_vendors(entity) -%}
    {%- set columns = fw_contract(entity) -%}
    {%- set vendors = fw_vendors(entity) -%}
    {%- if vendors | length == 0 %}
    select
        {%- for column in columns %}
        cast(null as {{ column[1] }}) as {{ column[0] }}{{ "," if not loop.last }}
        {%- endfor %}
    where 1 = 0
    {%- else %}
    {%- for vendor in vendors %}
    select
        {%- for column in columns %}
        cast({{ column[0] }} as {{ column[1] }}) as {{ column[0] }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ ref('stg_' ~ vendor ~ '__' ~ entity) }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
    {%- endif %}
{%- endmacro %}
