{#-
    The surrogate key of every mart entity: md5(source_system || '|' || source_account || '|' || natural id).
    natural_id is one SQL expression or a list of them (joined with '|'), e.g. ['ticket_id', 'part_id'].
    A null part gives a null key on purpose, so not_null tests catch it instead of hashing ''.
-#}
{% macro fw_key(source_system, source_account, natural_id) -%}
    {%- set natural_ids = [natural_id] if natural_id is string else natural_id -%}
    {%- set parts = [source_system, source_account] + natural_ids -%}
    md5(
        {%- for part in parts %}cast({{ part }} as varchar){% if not loop.last %} || '|' || {% endif %}{% endfor -%}
    )
{%- endmacro %}
