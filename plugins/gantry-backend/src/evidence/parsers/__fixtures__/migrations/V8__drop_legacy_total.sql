-- destructive: 1.4.x still reads legacy_total and writes customer_ref
SET lock_timeout = '2s';
SET statement_timeout = '60s';
ALTER TABLE orders DROP COLUMN IF EXISTS legacy_total;
ALTER TABLE orders RENAME COLUMN customer_ref TO customer_id;
