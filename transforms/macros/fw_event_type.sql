{#-
    The canonical event type of a ticket part, decided the same way for every vendor: the part's kind (what the
    vendor's staging says it is: a message, a note, a status change...) and, for messages, who wrote it. A
    message by a customer is a customer_message, by a human agent an agent_reply; by a bot, an integration or the
    system it is a bot_message, whatever the vendor's part type (an AI agent's `admin_msg` is not a first
    response).
-#}
{% macro fw_event_type(message_kind, author_kind) -%}
    case
        when {{ message_kind }} = 'message' then
            case {{ author_kind }}
                when 'customer' then 'customer_message'
                when 'agent' then 'agent_reply'
                else 'bot_message'
            end
        when {{ message_kind }} = 'note' then 'internal_note'
        when {{ message_kind }} = 'status' then 'status_change'
        when {{ message_kind }} = 'assignment' then 'assignment'
        when {{ message_kind }} = 'csat_request' then 'csat_request'
        when {{ message_kind }} = 'csat_rating' then 'csat_rating'
        else 'other'
    end
{%- endmacro %}
