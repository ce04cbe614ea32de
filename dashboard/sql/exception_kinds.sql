-- Exception kinds and how many of each.
select kind, count(*) as n from exception_register group by kind order by kind
