{#- Every value of the column is a registered vendor (the accepted values of source_system come from the registry). -#}
{% test fw_registered_vendor(model, column_name) %}
    {%- set vendors = fw_vendors() %}
    select {{ column_name }}
    from {{ model }}
    where
        {{ column_name }} is not null
        {%- if vendors | length > 0 %}
        and {{ column_name }} not in ({% for vendor in vendors %}'{{ vendor }}'{{ ", " if not loop.last }}{% endfor %})
        {%- endif %}
{% endtest %}
