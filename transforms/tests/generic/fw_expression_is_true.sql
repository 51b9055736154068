{#- Rows of the model (optionally only those matching `where`) for which `expression` is not true. -#}
{% test fw_expression_is_true(model, expression, where=none, column_name=none) %}
    select *
    from {{ model }}
    where
        {% if where %}({{ where }}) and {% endif %}not coalesce(({{ expression }}), false)
{% endtest %}
