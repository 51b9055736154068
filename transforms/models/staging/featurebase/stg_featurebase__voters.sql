-- Featurebase voters (users who upvoted a post) in the canonical voter shape.
with

voters as (

    select * from {{ ref('base_featurebase__voters') }}

),

final as (

    select
        source_system,
        source_account,
        voter_id,
        voter_email,
        voter_name
    from voters

)

select * from final
