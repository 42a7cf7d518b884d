-- Seckill (flash sale) activities. Creating one reserves its stock from the SKU (skus.locked += stock); the
-- activity's live stock then lives in Redis and its orders are rows of `orders` with kind = 'seckill'.
CREATE TABLE seckill_activities (
    id             BIGINT       NOT NULL AUTO_INCREMENT,
    sku_id         BIGINT       NOT NULL,
    title          VARCHAR(120) NOT NULL,
    price_cents    BIGINT       NOT NULL,
    stock          INT          NOT NULL,            -- initial stock, reserved from the SKU
    limit_per_user INT          NOT NULL,
    starts_at      DATETIME(3)  NOT NULL,
    ends_at        DATETIME(3)  NOT NULL,
    published_at   DATETIME(3)  NULL,                -- last warm-up into Redis; shoppers see published ones only
    closed_at      DATETIME(3)  NULL,                -- ended and settled: unsold units went back to the SKU
    released_units INT          NOT NULL DEFAULT 0,  -- how many (skus.locked -= released_units at close-out)
    created_at     DATETIME(3)  NOT NULL,
    updated_at     DATETIME(3)  NOT NULL,
    PRIMARY KEY (id),
    KEY ix_seckill_activities_window (ends_at, starts_at),
    KEY ix_seckill_activities_open (closed_at, ends_at),
    CONSTRAINT ck_seckill_activities CHECK (price_cents > 0 AND stock > 0 AND limit_per_user > 0 AND ends_at > starts_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- The order writer inserts a seckill order's single item with INSERT ... SELECT from the orders it just wrote;
-- a unique reservation id on the item makes a replayed batch (recovery, a racing instance) a no-op.
-- NULL for normal orders (a unique index admits many NULLs on MySQL and MariaDB alike).
ALTER TABLE order_items
    ADD COLUMN reservation_id VARCHAR(40) NULL,
    ADD UNIQUE KEY uq_order_items_reservation (reservation_id);

-- Set by the seckill expiry in the same UPDATE that cancels the order, cleared once the unit is back in Redis:
-- a crash between the two steps leaves a marker the next sweep finishes (the Redis side is exactly-once).
ALTER TABLE orders
    ADD COLUMN stock_return_pending TINYINT(1) NOT NULL DEFAULT 0,
    ADD KEY ix_orders_stock_return_pending (stock_return_pending);
