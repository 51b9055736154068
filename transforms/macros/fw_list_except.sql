{#- Elements of list `left` not in list `right` (nulls read as empty lists): a set difference of voter ids. -#}
{% macro fw_list_except(left, right) -%}
list_filter(coalesce({{ left }}, []), lambda item: not list_contains(coalesce({{ right }}, []), item))
{%- endmacro %}
