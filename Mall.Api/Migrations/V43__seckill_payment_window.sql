-- How long a seckill order may wait for its payment, per activity (NULL: Seckill:OrderExpiry, 5 minutes by default).
ALTER TABLE seckill_activities ADD COLUMN payment_seconds INT NULL;
