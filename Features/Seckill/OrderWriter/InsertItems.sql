-- The one item of each seckill order just written (or written before: the unique reservation id on
-- order_items turns a replay into a no-op). Price and product are snapshots taken now; the quantity is
-- exact because a seckill order's total is always price x quantity. The IN list is appended by the writer.
INSERT IGNORE INTO order_items (order_id, sku_id, product_id, title, specs, image, price_cents, quantity, reservation_id)
SELECT o.id, s.id, s.product_id, p.title, s.specs,
       -- JSON_VALID first: MySQL errors (MariaDB only warns) on malformed JSON, and one bad product must not stall the writer.
       COALESCE(CASE WHEN JSON_VALID(p.images) THEN JSON_UNQUOTE(JSON_EXTRACT(p.images, '$[0]')) END, ''),
       a.price_cents, o.total_cents DIV a.price_cents, o.reservation_id
FROM orders o
JOIN seckill_activities a ON a.id = o.activity_id
JOIN skus s ON s.id = a.sku_id
JOIN products p ON p.id = s.product_id
WHERE o.reservation_id IN
