SET lock_timeout = '2s';
SET statement_timeout = '60s';
DROP INDEX CONCURRENTLY IF EXISTS orders_customer_idx;
ALTER TABLE orders DROP COLUMN IF EXISTS note;
