-- Every vendor's tickets, with the canonical status category (ticket_status_categories seed) and soft deletes.
with

tickets as (

    select * from {{ ref('int_tickets_unioned') }}

),

deletions as (

    select * from {{ ref('int_deletions') }}
    where entity = 'ticket'

),

ticket_status_categories as (

    select * from {{ ref('ticket_status_categories') }}

),

final as (

    select
        tickets.*,
        -- a status with no mapping row is open (a ticket nobody closed); the warn-level test lists such statuses
        coalesce(ticket_status_categories.status_category, 'open') as status_category,
        ticket_status_categories.status_category is null as is_status_unmapped,
        deletions.deleted_id is not null as is_deleted,
        deletions.deleted_at
    from tickets
    left join ticket_status_categories
        on tickets.source_system = ticket_status_categories.source_system
        and tickets.status_mapping_value = ticket_status_categories.status_value
    left join deletions
        on tickets.source_system = deletions.source_system
        and tickets.source_account = deletions.source_account
        and tickets.ticket_id = deletions.deleted_id

)

select * from final
