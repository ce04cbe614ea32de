-- Helpers of the layout queries: vendor ids made from the generator's ids,
-- and values spelled as the vendors' exports spell them.

-- The number at the end of a generated id (ACC-000042 -> 42).
CREATE MACRO idnum(id) AS CAST(regexp_extract(id, '([0-9]+)$', 1) AS BIGINT);

-- An 18-character Salesforce id: the object's 3-character key prefix, the
-- number in 12 digits and the 3 check characters (one per 5 characters, a
-- bit per upper-case letter: none here, so AAA).
CREATE MACRO sfid(prefix, id) AS prefix || lpad(CAST(idnum(id) AS VARCHAR), 12, '0') || 'AAA';

-- The 15-character form, as DocuSign for Salesforce and many reports write it.
CREATE MACRO sfid15(prefix, id) AS left(sfid(prefix, id), 15);

-- Salesforce API date-times: 2025-02-13T12:00:00.000Z.
CREATE MACRO sftime(t) AS strftime(t, '%Y-%m-%dT%H:%M:%S.000Z');

-- US-locale dates and amounts as NetSuite exports them: 3/4/2026, 1,234.56, (1,234.56).
CREATE MACRO mdy(d) AS strftime(d, '%-m/%-d/%Y');
CREATE MACRO rate(x) AS format('{:,.4f}', x);
CREATE MACRO money(x) AS CASE WHEN x < 0 THEN format('({:,.2f})', -x) ELSE format('{:,.2f}', x) END;

-- Stripe amounts in the currency's minor unit.
CREATE MACRO minor(x, currency) AS CAST(round(x * CASE WHEN upper(currency) IN ('JPY', 'KRW') THEN 1 ELSE 100 END) AS BIGINT);

-- Unix seconds of a date (its midnight UTC) or a timestamp.
CREATE MACRO unix(t) AS CAST(epoch(CAST(t AS TIMESTAMP)) AS BIGINT);

-- ISO 8601 in UTC as the Zendesk API writes it: 2025-05-02T09:00:00Z.
CREATE MACRO isoz(t) AS strftime(t, '%Y-%m-%dT%H:%M:%SZ');

-- Values as PostgreSQL prints the columns Airbyte's Postgres destination
-- creates (COPY ... TO ... CSV): timestamptz in UTC (2026-01-01
-- 00:00:00+00), a JSON-schema number as DECIMAL(38,9) (12.500000000), a
-- boolean as t or f.
CREATE MACRO pgtz(t) AS strftime(CAST(t AS TIMESTAMP), '%Y-%m-%d %H:%M:%S+00');
CREATE MACRO pgnum(x) AS CAST(CAST(x AS DECIMAL(38,9)) AS VARCHAR);
CREATE MACRO pgbool(b) AS CASE WHEN b THEN 't' WHEN NOT b THEN 'f' END;

-- Airbyte's metadata columns of a record (docs/integrations/destinations/postgres.md,
-- "Output Schema (Direct Load)"): _airbyte_raw_id, a uuid per record (made
-- here from the record's key), _airbyte_meta and _airbyte_generation_id of
-- the first sync. Every record was extracted at 2026-01-01 00:00:00 UTC.
CREATE MACRO abraw(k) AS regexp_replace(md5(k), '^(.{8})(.{4})(.{4})(.{4})(.{12})$', '\1-\2-\3-\4-\5');
CREATE MACRO abmeta() AS '{"changes": [], "sync_id": 1}';
