with

tickets as (

    select * from {{ ref('stg_featurebase__tickets') }}

),

ticket_statuses as (

    select * from {{ ref('stg_featurebase__ticket_statuses') }}

),

ticket_categories as (

    select * from {{ ref('stg_featurebase__ticket_categories') }}

),

deletions as (

    select * from {{ ref('stg_featurebase__deletions') }}

),

featurebase_ticket_status_categories as (

    select * from {{ ref('featurebase_ticket_status_categories') }}

),

ticket_deletions as (

    select * from deletions
    where entity = 'ticket'

),

tickets_with_current_status_and_category as (

    select
        tickets.ticket_key,
        tickets.source_system,
        tickets.source_account,
        tickets.ticket_id,
        tickets.ticket_number,
        tickets.title,
        tickets.status_id,
        -- the statuses endpoint holds the current name/type; the ticket's embedded copy is the fallback
        coalesce(ticket_statuses.status_name, tickets.status_name) as status_name,
        coalesce(ticket_statuses.status_type, tickets.status_type) as status_type,
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
        -- soft deletes come from the deletions table, or from a _deleted_at column on the ticket itself
        tickets.is_deleted or ticket_deletions.deleted_id is not null as is_deleted,
        tickets.created_at,
        tickets.updated_at,
        coalesce(tickets.deleted_at, ticket_deletions.deleted_at) as deleted_at
    from tickets
    left join ticket_statuses
        on tickets.source_account = ticket_statuses.source_account
        and tickets.status_id = ticket_statuses.status_id
    left join ticket_categories
        on tickets.source_account = ticket_categories.source_account
        and tickets.category_id = ticket_categories.category_id
    left join ticket_deletions
        on tickets.source_account = ticket_deletions.source_account
        and tickets.ticket_id = ticket_deletions.deleted_id

),

final as (

    select
        tickets_with_current_status_and_category.ticket_key,
        tickets_with_current_status_and_category.source_system,
        tickets_with_current_status_and_category.source_account,
        tickets_with_current_status_and_category.ticket_id,
        tickets_with_current_status_and_category.ticket_number,
        tickets_with_current_status_and_category.title,
        tickets_with_current_status_and_category.status_id,
        tickets_with_current_status_and_category.status_name,
        tickets_with_current_status_and_category.status_type,
        featurebase_ticket_status_categories.status_category,
        tickets_with_current_status_and_category.category_id,
        tickets_with_current_status_and_category.category_name,
        tickets_with_current_status_and_category.requester_id,
        tickets_with_current_status_and_category.requester_email,
        tickets_with_current_status_and_category.requester_name,
        tickets_with_current_status_and_category.requester_type,
        tickets_with_current_status_and_category.assignee_id,
        tickets_with_current_status_and_category.team_assignee_id,
        tickets_with_current_status_and_category.company_id,
        tickets_with_current_status_and_category.ticket_url,
        tickets_with_current_status_and_category.is_open,
        tickets_with_current_status_and_category.is_deleted,
        tickets_with_current_status_and_category.created_at,
        tickets_with_current_status_and_category.updated_at,
        tickets_with_current_status_and_category.deleted_at
    from tickets_with_current_status_and_category
    left join featurebase_ticket_status_categories
        on tickets_with_current_status_and_category.status_type = featurebase_ticket_status_categories.status_type

)

select * from final
