-- Every vendor's vote observations (what each load run saw of an item's votes), numbered per item in time order.
with

observations as (

    {{ fw_union_vendors('vote_observations') }}

),

final as (

    select
        observations.*,
        row_number() over (
            partition by observations.feedback_key
            order by observations.observed_at
        ) as observation_number
    from observations

)

select * from final
