-- One row per person as one vendor account knows them (vendor, account, id), with every role they have there
-- and the person_key of dim_people when they have an email (people are matched across vendors by email).
with

people as (

    {{ fw_union_vendors('people') }}

),

identities as (

    select
        source_system,
        source_account,
        person_id,
        max(lower(trim(email))) as normalized_email,
        max(name) as name,
        bool_or(role = 'customer') as is_customer,
        bool_or(role = 'voter') as is_voter,
        bool_or(role = 'agent') as is_agent,
        bool_or(role = 'member') as is_member
    from people
    group by source_system, source_account, person_id

),

final as (

    select
        {{ fw_key('source_system', 'source_account', 'person_id') }} as identity_key,
        {{ fw_person_key('normalized_email') }} as person_key,
        identities.*
    from identities

)

select * from final
