-- Product7 tickets in the canonical ticket shape (fw_contract('tickets')). A status closes tickets or not
-- (closes_ticket, from the statuses endpoint, else the ticket's embedded copy); the stage says where the ticket
-- is. Both decide the category, through status_mapping_value: the stage for an open status, `closing:<stage>`
-- for a closing one (ticket_status_categories seed: closing + closed stage = closed, other closing = solved,
-- waiting_on_customer = pending, other open stages = open).
with

tickets as (

    select * from {{ ref('base_product7__tickets') }}

),

ticket_statuses as (

    select * from {{ ref('base_product7__ticket_statuses') }}

),

tickets_with_status as (

    select
        tickets.*,
        coalesce(ticket_statuses.status_name, tickets.status_name) as current_status_name,
        coalesce(ticket_statuses.closes_ticket, tickets.status_closes_ticket, false) as is_closing_status
    from tickets
    left join ticket_statuses
        on tickets.source_account = ticket_statuses.source_account
        and tickets.status_id = ticket_statuses.status_id

),

final as (

    select
        ticket_key,
        source_system,
        source_account,
        ticket_id,
        ticket_number,
        title,
        status_id,
        current_status_name as status_name,
        -- the stage is Product7's workflow stage, what a status type is elsewhere
        stage as status_type,
        case when is_closing_status then 'closing:' || stage else stage end as status_mapping_value,
        priority,
        -- a ticket's type (Question, Bug, Billing, ...) is its category
        type_id as category_id,
        type_name as category_name,
        -- the list names the requester without an id; people are matched by email
        cast(null as varchar) as requester_id,
        requester_email,
        requester_name,
        'customer' as requester_type,
        assignee_id,
        cast(null as varchar) as team_assignee_id,
        cast(null as varchar) as company_id,
        cast(null as varchar) as ticket_url,
        not is_closing_status as is_open,
        created_at,
        updated_at
    from tickets_with_status

)

select * from final
