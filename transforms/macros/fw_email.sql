{#-
    An email as the marts show it: lower-cased and trimmed (how people are matched across vendors), or, with the
    `hash_emails` var on, a salted md5 of that (the salt comes from FEEDBACK_WAREHOUSE_EMAIL_SALT, set by
    `feedback-warehouse` from `[transforms] email_salt` in .dlt/secrets.toml; never from the repository). Every
    email column of every mart goes through it, so the models run unchanged either way.
-#}
{% macro fw_email(expression) -%}
    {%- if var('hash_emails', false) -%}
        {%- set salt = env_var('FEEDBACK_WAREHOUSE_EMAIL_SALT', '') -%}
        {%- if not salt and execute -%}
            {{ exceptions.raise_compiler_error("hash_emails is on but no salt is configured: set email_salt under [transforms] in .dlt/secrets.toml (or FEEDBACK_WAREHOUSE_EMAIL_SALT)") }}
        {%- endif -%}
        md5('{{ salt | replace("'", "''") }}' || lower(trim({{ expression }})))
    {%- else -%}
        lower(trim({{ expression }}))
    {%- endif -%}
{%- endmacro %}

{#- Free text (a raw payload) with every email address in it hidden when `hash_emails` is on. -#}
{% macro fw_scrub_emails(expression) -%}
    {%- if var('hash_emails', false) -%}
        regexp_replace({{ expression }}, '[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}', '[email hidden]', 'g')
    {%- else -%}
        {{ expression }}
    {%- endif -%}
{%- endmacro %}

{#- The dim_people key of an email (null without one): an md5 of the email as the marts show it, so a hashed
    warehouse never keys people by a reversible unsalted hash. -#}
{% macro fw_person_key(expression) -%}
    case when nullif(trim({{ expression }}), '') is not null then md5({{ fw_email(expression) }}) end
{%- endmacro %}
