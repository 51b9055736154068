{#-
    The registered vendors, from the `fw_vendors` var the pipeline passes from sources/registry.py:
    {vendor: [canonical staging entities it provides]}. `entity` filters to the vendors providing it.
-#}
{% macro fw_vendors(entity=none) -%}
    {%- set vendors = var('fw_vendors', {}) -%}
    {%- set names = [] -%}
    {%- for name in vendors | sort -%}
        {%- if entity is none or entity in vendors[name] -%}
            {%- do names.append(name) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(names) }}
{%- endmacro %}

{#- The raw datasets (one per registered vendor) the load-metadata marts read. -#}
{% macro fw_vendor_datasets() -%}
    {{ return(fw_vendors()) }}
{%- endmacro %}
