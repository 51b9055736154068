-- Featurebase tickets in the canonical ticket shape (fw_contract('tickets')): the statuses endpoint holds a
-- status's current name and type, the ticket's embedded copy is the fallback.
with

tickets as (

    select * from {{ ref('base_featurebase__tickets') }}

),

ticket_statuses as (

    select * from {{ ref('base_featurebase__ticket_statuses') }}

),

ticket_categories as (

    select * from {{ ref('base_featurebase__ticket_categories') }}

),

final as (

    select
        tickets.ticket_key,
        tickets.source_system,
        tickets.source_account,
        tickets.ticket_id,
        tickets.ticket_number,
        tickets.title,
        tickets.status_id,
        coalesce(ticket_statuses.status_name, tickets.status_name) as status_name,
        coalesce(ticket_statuses.status_type, tickets.status_type) as status_type,
        -- the status type decides the category (ticket_status_categories seed)
        coalesce(ticket_statuses.status_type, tickets.status_type) as status_mapping_value,
        -- Featurebase tickets carry no priority field: it comes from `priority` parts (ticket events)
        cast(null as varchar) as priority,
        tickets.category_id,
        ticket_categories.category_name,
        tickets.requester_id,
        tickets.requester_email,
        tickets.requester_name,
        tickets.requester_type,
        tickets.assignee_id,
        tickets.team_assignee_id,
        tickets.company_id,
        tickets.ticket_url,
        tickets.is_open,
        tickets.created_at,
        tickets.updated_at
    from tickets
    left join ticket_statuses
        on tickets.source_account = ticket_statuses.source_account
        and tickets.status_id = ticket_statuses.status_id
    left join ticket_categories
        on tickets.source_account = ticket_categories.source_account
        and tickets.category_id = ticket_categories.category_id

)

select * from final
