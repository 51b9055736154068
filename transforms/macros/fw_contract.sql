{#-
    The canonical shapes vendors deliver their staging data in: `stg_<vendor>__<entity>` selects exactly these
    columns (more are fine: they are simply not unioned). Types are spelled the way both engines accept them.
    The shared intermediate models union them with fw_union_vendors and never read a vendor model otherwise.
-#}
{% macro fw_contract(entity) -%}
    {%- set text = 'varchar' -%}
    {%- set ts = 'timestamp with time zone' -%}
    {%- set contracts = {
        'tickets': [
            ['ticket_key', text], ['source_system', text], ['source_account', text], ['ticket_id', text],
            ['ticket_number', 'bigint'], ['title', text], ['status_id', text], ['status_name', text],
            ['status_type', text], ['status_mapping_value', text], ['priority', text], ['category_id', text],
            ['category_name', text], ['requester_id', text], ['requester_email', text], ['requester_name', text],
            ['requester_type', text], ['assignee_id', text], ['team_assignee_id', text], ['company_id', text],
            ['ticket_url', text], ['is_open', 'boolean'], ['created_at', ts], ['updated_at', ts],
        ],
        'ticket_events': [
            ['event_key', text], ['ticket_key', text], ['source_system', text], ['source_account', text],
            ['ticket_id', text], ['event_id', text], ['position', 'bigint'], ['part_type', text],
            ['message_kind', text], ['author_type', text], ['author_id', text], ['author_name', text],
            ['author_email', text], ['channel', text], ['occurred_at', ts], ['new_status', text],
            ['status_state', text], ['new_priority', text], ['assignee_id', text], ['csat_request_id', text],
            ['csat_channel', text], ['csat_status', text], ['csat_score', 'integer'], ['csat_remark', text],
            ['csat_rated_agent_id', text], ['csat_rated_agent_type', text], ['csat_requested_at', ts], ['csat_rated_at', ts], ['body', text],
            ['is_redacted', 'boolean'],
        ],
        'feedback': [
            ['feedback_key', text], ['source_system', text], ['source_account', text], ['feedback_id', text],
            ['board_id', text], ['board_name', text], ['category', text], ['title', text], ['url', text],
            ['author_id', text], ['author_email', text], ['author_name', text], ['status_id', text],
            ['status_name', text], ['status_type', text], ['vote_count', 'bigint'], ['comment_count', 'bigint'],
            ['mrr', 'double precision'], ['merged_into_id', text], ['merged_at', ts], ['rejection_reason', text],
            ['created_at', ts], ['updated_at', ts],
        ],
        'vote_observations': [
            ['feedback_key', text], ['source_system', text], ['source_account', text], ['feedback_id', text],
            ['observed_at', ts], ['vote_count', 'bigint'], ['voter_ids_json', text],
            ['is_voter_set_complete', 'boolean'], ['status_name', text], ['status_type', text],
            ['mrr', 'double precision'],
        ],
        'voters': [
            ['source_system', text], ['source_account', text], ['voter_id', text], ['voter_email', text],
            ['voter_name', text],
        ],
        'voter_companies': [
            ['source_system', text], ['source_account', text], ['voter_id', text], ['voter_email', text],
            ['company_id', text], ['external_company_id', text], ['company_name', text], ['company_plan', text],
            ['monthly_spend', 'double precision'],
        ],
        'feedback_comments': [
            ['comment_key', text], ['feedback_key', text], ['parent_comment_key', text], ['source_system', text],
            ['source_account', text], ['comment_id', text], ['feedback_id', text], ['parent_comment_id', text],
            ['author_id', text], ['author_name', text], ['author_email', text], ['author_type', text],
            ['content', text], ['upvotes', 'bigint'], ['downvotes', 'bigint'], ['is_private', 'boolean'],
            ['created_at', ts], ['updated_at', ts],
        ],
        'roadmap_items': [
            ['roadmap_item_key', text], ['source_system', text], ['source_account', text], ['item_kind', text],
            ['item_id', text], ['title', text], ['status', text], ['is_shipped', 'boolean'],
            ['feedback_id', text], ['created_at', ts], ['updated_at', ts], ['shipped_at', ts],
        ],
        'people': [
            ['source_system', text], ['source_account', text], ['person_id', text], ['email', text],
            ['name', text], ['role', text],
        ],
        'deletions': [
            ['source_system', text], ['source_account', text], ['entity', text], ['deleted_id', text],
            ['deleted_at', ts],
        ],
    } -%}
    {%- if entity not in contracts -%}
        {{ exceptions.raise_compiler_error("unknown canonical entity " ~ entity) }}
    {%- endif -%}
    {{ return(contracts[entity]) }}
{%- endmacro %}
