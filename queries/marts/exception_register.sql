-- grain: one row per exception of any kind (the company's operational memory)
-- key: [kind, source_id]
-- description: >
--   Every quiet exception in one list: discount exceptions (late-quarter ones apart),
--   non-standard contract terms, side letters, custom quote lines of won deals, billing
--   configurations shared across accounts, and credit notes, each with the account, when it
--   happened and its money impact where one is defined.
-- columns:
--   kind: discount_exception, late_quarter_exception, nonstandard_term, side_letter, custom_line, shared_billing_config or credit_note
--   source_entity: the entity the exception lives in
--   source_id: its key there (for shared_billing_config, account_id/billing_config_id)
--   occurred_date: close date, signature (or start) date, first invoice date or credit date
--   amount_impact: the exception's impact in dollars, one definition per kind (docs/metrics.md, Exception register) - discount exceptions the discount beyond policy (list_amount * (discount_pct - policy_max_pct)); custom lines their net value; shared billing configs the account's disputed invoice amount on the config (not all it was invoiced); credit notes the amount credited; null for terms and side letters, which have no price
--   impact_definition: that definition in words, for the row's kind
--   contract_arr: ARR of the contract a term or side letter belongs to (null for other kinds)
--   severity: high, medium or low, by amount_impact (at least $50k high, $10k medium), or for terms and side letters by contract_arr (at least $250k high, $50k medium)
-- tests:
--   - not_null: [account_id, kind, source_entity, source_id]
--   - accepted_values: {column: kind, values: [discount_exception, late_quarter_exception, nonstandard_term, side_letter, custom_line, shared_billing_config, credit_note]}
--   - accepted_values: {column: severity, values: [high, medium, low]}
with settings as (
    select * from precedent_settings
),

discounts as (
    select
        account_id,
        case when is_late_quarter then 'late_quarter_exception' else 'discount_exception' end as kind,
        'deals' as source_entity,
        deal_id as source_id,
        close_date as occurred_date,
        rep_id,
        round(100 * discount_pct, 1) || '% discount against a ' || round(100 * policy_max_pct)::integer || '% policy'
            || case when is_late_quarter then ', ' || days_to_quarter_end || case when days_to_quarter_end = 1 then ' day' else ' days' end || ' before quarter end' else '' end
            || coalesce(' (' || approval_level || ' approval)', '') as description,
        list_amount::double * (discount_pct - policy_max_pct) as amount_impact,
        null::double as contract_arr
    from deal_discounts
    where is_exception
),

terms as (
    select
        c.account_id,
        'nonstandard_term' as kind,
        'contract_terms' as source_entity,
        t.term_id as source_id,
        coalesce(c.signed_date, c.start_date) as occurred_date,
        null::varchar as rep_id,
        t.term_type || ' term on ' || c.contract_id || coalesce(': ' || left(t.term_text, 160), '') as description,
        null::double as amount_impact,
        c.arr::double as contract_arr
    from stg_contract_terms t
    join stg_contracts c on c.contract_id = t.contract_id
    where not t.is_standard
),

side_letters as (
    select
        account_id,
        'side_letter' as kind,
        'contracts' as source_entity,
        contract_id as source_id,
        coalesce(signed_date, start_date) as occurred_date,
        null::varchar as rep_id,
        'side letter on ' || contract_id as description,
        null::double as amount_impact,
        arr::double as contract_arr
    from stg_contracts
    where has_side_letter
),

custom_lines as (
    select
        d.account_id,
        'custom_line' as kind,
        'deal_lines' as source_entity,
        l.line_id as source_id,
        d.close_date as occurred_date,
        d.rep_id,
        'custom line on ' || d.deal_id || coalesce(': ' || left(l.description, 160), '') as description,
        l.net_value::double as amount_impact,
        null::double as contract_arr
    from stg_deal_lines l
    join deal_discounts d on d.deal_id = l.deal_id
    where l.is_custom
),

shared_configs as (
    select
        i.account_id,
        'shared_billing_config' as kind,
        'invoices' as source_entity,
        i.account_id || '/' || i.billing_config_id as source_id,
        min(i.issued_date) as occurred_date,
        null::varchar as rep_id,
        'billing config ' || i.billing_config_id || ' is shared with ' || (any_value(bc.accounts) - 1) || ' other account(s); '
            || count(*) || ' invoice(s), ' || count(*) filter (where i.is_disputed) || ' disputed' as description,
        coalesce(sum(i.amount) filter (where i.is_disputed), 0)::double as amount_impact,
        null::double as contract_arr
    from stg_invoices i
    join int_billing_configs bc on bc.billing_config_id = i.billing_config_id
    cross join settings s
    where bc.is_shared and i.issued_date <= s.as_of
    group by i.account_id, i.billing_config_id
),

credits as (
    select
        i.account_id,
        'credit_note' as kind,
        'credit_notes' as source_entity,
        cn.credit_note_id as source_id,
        cn.issued_date as occurred_date,
        null::varchar as rep_id,
        'credit on ' || cn.invoice_id || coalesce(': ' || cn.reason, '') as description,
        cn.amount::double as amount_impact,
        null::double as contract_arr
    from stg_credit_notes cn
    join stg_invoices i on i.invoice_id = cn.invoice_id
    cross join settings s
    where cn.issued_date <= s.as_of
),

unioned as (
    select * from discounts
    union all select * from terms
    union all select * from side_letters
    union all select * from custom_lines
    union all select * from shared_configs
    union all select * from credits
)

select
    u.account_id,
    a.account_name,
    a.segment,
    a.region,
    u.kind,
    u.source_entity,
    u.source_id,
    u.occurred_date,
    u.rep_id,
    u.description,
    u.amount_impact,
    case u.kind
        when 'discount_exception' then 'discount beyond policy: list amount x (discount - policy maximum)'
        when 'late_quarter_exception' then 'discount beyond policy: list amount x (discount - policy maximum)'
        when 'custom_line' then 'net value of the custom quote line'
        when 'shared_billing_config' then 'disputed invoice amount of the account on the shared config'
        when 'credit_note' then 'amount credited'
        else 'no dollar impact: severity from the contract''s ARR'
    end as impact_definition,
    u.contract_arr,
    case
        when u.amount_impact is not null then
            case when u.amount_impact >= 50000 then 'high' when u.amount_impact >= 10000 then 'medium' else 'low' end
        else
            case when u.contract_arr >= 250000 then 'high' when u.contract_arr >= 50000 then 'medium' else 'low' end
    end as severity
from unioned u
left join stg_accounts a on a.account_id = u.account_id
