-- Everyone UsersLoop names: the account users who asked for feedback (customers), in the canonical people shape;
-- dim_people matches them across vendors by email. Only a feedback detail shows them (no endpoint lists users).
with

feedback_details as (

    select * from {{ ref('base_usersloop__feedback_details') }}

),

people as (

    select distinct
        source_system,
        source_account,
        account_user_id as person_id,
        account_user_email as email,
        account_user_name as name,
        'customer' as role
    from feedback_details
    where account_user_id is not null

),

final as (

    select * from people

)

select * from final
