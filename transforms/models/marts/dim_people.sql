-- One row per person across every vendor, matched by normalised email (trimmed, lower-cased): their roles
-- anywhere (customer, voter, agent, member) and their ids at each vendor. Emails are hashed when hash_emails is on.
with

identities as (

    select * from {{ ref('int_people_identities') }}
    where person_key is not null

),

final as (

    select
        person_key,
        {{ fw_email('max(normalized_email)') }} as email,
        max(name) as name,
        bool_or(is_customer) as is_customer,
        bool_or(is_voter) as is_voter,
        bool_or(is_agent) as is_agent,
        bool_or(is_member) as is_member,
        count(distinct source_system) as vendor_count,
        count(*) as identity_count,
        string_agg(source_system || ':' || source_account || ':' || person_id, ', ' order by source_system, source_account, person_id)
            as vendor_ids
    from identities
    group by person_key

)

select * from final
