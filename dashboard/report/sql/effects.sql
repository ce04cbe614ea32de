-- The headline effects: each estimated within segment, with the raw comparison beside it.
select *
from headline_metrics
where metric in ('renewal_discount_slope', 'late_quarter_discount_uplift', 'rep_contagion_uplift', 'scope_escalation_rate_ratio',
    'scope_question_rate_ratio', 'ambiguity_escalation_spearman', 'shared_config_dispute_ratio')
order by list_position(['renewal_discount_slope', 'late_quarter_discount_uplift', 'rep_contagion_uplift', 'scope_escalation_rate_ratio',
    'scope_question_rate_ratio', 'ambiguity_escalation_spearman', 'shared_config_dispute_ratio'], metric)
