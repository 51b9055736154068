-- Featurebase deletions with canonical entity names (ticket, feedback, comment).
with

deletions as (

    select * from {{ ref('base_featurebase__deletions') }}

),

final as (

    select
        source_system,
        source_account,
        case entity when 'post' then 'feedback' else entity end as entity,
        deleted_id,
        deleted_at
    from deletions

)

select * from final
