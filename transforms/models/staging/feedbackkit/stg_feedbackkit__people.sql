-- Everyone FeedbackKit names, once per role: feedback submitters (customers, with the email they gave, if any)
-- and comment authors (agents when isAdmin, else customers; comments carry no email). Voters cannot be listed.
-- dim_people matches them across vendors by email.
with

feedbacks as (

    select * from {{ ref('base_feedbackkit__feedbacks') }}

),

comments as (

    select * from {{ ref('base_feedbackkit__comments') }}

),

people as (

    select source_system, source_account, author_id as person_id, author_email as email,
        cast(null as varchar) as name, 'customer' as role
    from feedbacks
    union
    select source_system, source_account, author_id, cast(null as varchar), cast(null as varchar),
        case when is_admin then 'agent' else 'customer' end
    from comments

),

final as (

    select * from people
    where person_id is not null

)

select * from final
