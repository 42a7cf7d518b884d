-- Indexes for the operators' dashboard and order search on a big shop (1,000,000 orders: docs/benchmarks.md).
-- Each one was checked with EXPLAIN on MariaDB 10.11 against the queries that use it.

-- Admin order list, newest first, with or without a created_at range (ORDER BY created_at DESC, id DESC walks it
-- backwards: InnoDB appends the primary key to every secondary index, so no filesort).
CREATE INDEX ix_orders_created ON orders (created_at);

-- The list filtered by status (newest first, optional created_at range), and the dashboard's per-day funnel:
-- orders created that day by status (status IN (…all…) AND created_at in the day is a range read of this index alone).
CREATE INDEX ix_orders_status_created ON orders (status, created_at);

-- The list filtered by kind (normal / seckill), newest first.
CREATE INDEX ix_orders_kind_created ON orders (kind, created_at);

-- Paid orders and GMV per day, by payment time, read from the index alone (total_cents included); also the set of
-- orders whose items make the top products.
CREATE INDEX ix_orders_paid ON orders (paid_at, total_cents);

-- The top products sum the items of the paid orders: with product, quantity and price in the index the join reads no
-- item rows. It starts with order_id, so it replaces ix_order_items_order for every other reader.
CREATE INDEX ix_order_items_order_product ON order_items (order_id, product_id, quantity, price_cents);
DROP INDEX ix_order_items_order ON order_items;
