-- Product7 people in the canonical shape (fw_contract('people')): workspace members are the agents; customers
-- are ticket requesters, customer authors of activities and feedback authors, one per account and normalised
-- email (dim_people matches people across vendors by email). The ticket list names a requester without an id,
-- so a customer's id is one their activities or feedback carry, else the email.
with

members as (

    select * from {{ ref('base_product7__members') }}

),

tickets as (

    select * from {{ ref('base_product7__tickets') }}

),

activities as (

    select * from {{ ref('base_product7__ticket_activities') }}

),

feedback as (

    select * from {{ ref('base_product7__feedback') }}

),

agents as (

    select
        source_system,
        source_account,
        member_id as person_id,
        member_email as email,
        member_name as name,
        'agent' as role
    from members
    where member_id is not null

),

customer_sightings as (

    select
        source_system,
        source_account,
        cast(null as varchar) as author_id,
        requester_email as email,
        requester_name as name,
        updated_at as seen_at
    from tickets
    where requester_email is not null

    union all

    select
        source_system,
        source_account,
        author_id,
        author_email as email,
        author_name as name,
        occurred_at as seen_at
    from activities
    where
        author_kind = 'customer'
        and author_email is not null

    union all

    select
        source_system,
        source_account,
        author_id,
        author_email as email,
        author_name as name,
        created_at as seen_at
    from feedback
    where author_email is not null

),

customer_sightings_ranked_latest_first as (

    select
        source_system,
        source_account,
        lower(trim(email)) as normalized_email,
        email,
        name,
        max(author_id) over (partition by source_account, lower(trim(email))) as author_id,
        row_number() over (
            partition by source_account, lower(trim(email))
            order by seen_at desc nulls last, name, email
        ) as recency_rank
    from customer_sightings

),

customers as (

    select
        source_system,
        source_account,
        coalesce(author_id, normalized_email) as person_id,
        email,
        name,
        'customer' as role
    from customer_sightings_ranked_latest_first
    where recency_rank = 1

),

final as (

    select * from agents
    union all
    select * from customers

)

select * from final
