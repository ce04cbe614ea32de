-- grain: one row per contract, purpose and cut-off of int_renewal_risk_scores
-- key: [contract_id, purpose, cutoff]
-- incremental: {key: account_id, from: int_renewal_risk_scores}
-- description: >
--   The renewal risk scores with the name, segment and region of their account and the
--   account's owner: what the renewal-risk marts (renewal_risk, renewal_risk_weekly,
--   renewal_risk_backtest) and account_summary show of each score, joined once.
-- columns:
--   account_name: the account's name
--   segment: the account's segment
--   region: the account's region
--   owner_rep_id: the account's owner at the cut-off, the rep of its latest won deal closed on or before it (ties by the later deal_id), else the rep of the contract's own deal
--   owner_name: that rep's name
with owners as (
    select r.contract_id, r.purpose, r.cutoff,
           max_by(d.rep_id, d.close_date::varchar || d.deal_id) as rep_id
    from int_renewal_risk_scores r
    join stg_deals d
        on d.account_id = r.account_id
        and d.stage = 'won'
        and d.close_date <= r.cutoff
    where precedent_changed(r.account_id)
    group by r.contract_id, r.purpose, r.cutoff
),

final as (
    select
        r.*,
        a.account_name,
        a.segment,
        a.region,
        coalesce(o.rep_id, cd.rep_id) as owner_rep_id,
        rep.rep_name as owner_name
    from int_renewal_risk_scores r
    left join stg_accounts a on a.account_id = r.account_id
    left join owners o using (contract_id, purpose, cutoff)
    left join stg_deals cd on cd.deal_id = r.deal_id
    left join stg_reps rep on rep.rep_id = coalesce(o.rep_id, cd.rep_id)
    where precedent_changed(r.account_id)
)

select * from final
