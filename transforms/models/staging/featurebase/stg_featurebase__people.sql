-- Everyone Featurebase names, once per role: ticket requesters (customers), the agents and customers who wrote
-- conversation parts, voters, and the authors of posts and comments. dim_people matches them across vendors by email.
with

tickets as (

    select * from {{ ref('base_featurebase__tickets') }}

),

conversation_parts as (

    select * from {{ ref('base_featurebase__ticket_conversation_parts') }}

),

voters as (

    select * from {{ ref('base_featurebase__voters') }}

),

comments as (

    select * from {{ ref('base_featurebase__comments') }}

),

posts as (

    select * from {{ ref('base_featurebase__posts') }}

),

people as (

    select source_system, source_account, requester_id as person_id, requester_email as email,
        requester_name as name, 'customer' as role
    from tickets
    union
    select source_system, source_account, author_id, author_email, author_name,
        case when author_type = 'admin' then 'agent' else 'customer' end
    from conversation_parts
    where author_type in ('admin', 'customer', 'lead', 'guest')
    union
    select source_system, source_account, voter_id, voter_email, voter_name, 'voter'
    from voters
    union
    select source_system, source_account, author_id, author_email, author_name,
        case when author_type = 'admin' then 'agent' else 'customer' end
    from comments
    where author_type is not null
    union
    select source_system, source_account, author_id, author_email, author_name,
        case when author_type = 'admin' then 'agent' else 'customer' end
    from posts
    where author_id is not null

),

final as (

    select * from people
    where person_id is not null

)

select * from final
