-- The commerce core shared by catalog/checkout, seckill and payments. Money is integer cents (分).
-- Kept to the common subset of MySQL 8.4 and MariaDB 10.11.

CREATE TABLE categories (
    id         BIGINT      NOT NULL AUTO_INCREMENT,
    parent_id  BIGINT      NULL,
    name       VARCHAR(64) NOT NULL,
    sort_order INT         NOT NULL DEFAULT 0,
    PRIMARY KEY (id),
    KEY ix_categories_parent (parent_id, sort_order)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- SPU
CREATE TABLE products (
    id          BIGINT        NOT NULL AUTO_INCREMENT,
    category_id BIGINT        NOT NULL,
    title       VARCHAR(120)  NOT NULL,
    subtitle    VARCHAR(200)  NOT NULL DEFAULT '',
    description TEXT          NOT NULL,
    images      TEXT          NOT NULL,            -- JSON array of URLs (local static files)
    on_shelf    TINYINT(1)    NOT NULL DEFAULT 1,
    sales       BIGINT        NOT NULL DEFAULT 0,  -- units sold, for the "sales" sort
    created_at  DATETIME(3)   NOT NULL,
    updated_at  DATETIME(3)   NOT NULL,
    PRIMARY KEY (id),
    KEY ix_products_category (category_id, on_shelf, created_at),
    KEY ix_products_created (on_shelf, created_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- SKU. Available = stock - locked - sold. locked: held by unpaid orders (and reserved for seckill activities).
CREATE TABLE skus (
    id          BIGINT       NOT NULL AUTO_INCREMENT,
    product_id  BIGINT       NOT NULL,
    specs       VARCHAR(500) NOT NULL DEFAULT '{}', -- JSON object, e.g. {"颜色":"黑","容量":"256G"}
    price_cents BIGINT       NOT NULL,
    stock       INT          NOT NULL,
    locked      INT          NOT NULL DEFAULT 0,
    sold        INT          NOT NULL DEFAULT 0,
    created_at  DATETIME(3)  NOT NULL,
    updated_at  DATETIME(3)  NOT NULL,
    PRIMARY KEY (id),
    KEY ix_skus_product (product_id),
    CONSTRAINT ck_skus_stock CHECK (price_cents >= 0 AND stock >= 0 AND locked >= 0 AND sold >= 0 AND locked + sold <= stock)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE addresses (
    id         BIGINT       NOT NULL AUTO_INCREMENT,
    user_id    BIGINT       NOT NULL,
    receiver   VARCHAR(32)  NOT NULL,
    phone      VARCHAR(20)  NOT NULL,
    province   VARCHAR(32)  NOT NULL,
    city       VARCHAR(32)  NOT NULL,
    district   VARCHAR(32)  NOT NULL,
    detail     VARCHAR(200) NOT NULL,
    is_default TINYINT(1)   NOT NULL DEFAULT 0,
    created_at DATETIME(3)  NOT NULL,
    updated_at DATETIME(3)  NOT NULL,
    PRIMARY KEY (id),
    KEY ix_addresses_user (user_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Orders of both kinds: 'normal' (checkout) and 'seckill' (written by the seckill order writer).
-- Status: PendingPayment → Paid → Shipped → Completed; PendingPayment → Cancelled; Paid → Refunding → Refunded.
-- Every transition is a conditional UPDATE ... WHERE status = <expected>.
CREATE TABLE orders (
    id               BIGINT       NOT NULL AUTO_INCREMENT,
    order_no         VARCHAR(32)  NOT NULL,           -- time-sortable, not guessable in sequence
    user_id          BIGINT       NOT NULL,
    kind             VARCHAR(16)  NOT NULL DEFAULT 'normal',
    status           VARCHAR(20)  NOT NULL,
    total_cents      BIGINT       NOT NULL,
    address_snapshot TEXT         NULL,               -- JSON copy of the address at order time (NULL until chosen for seckill)
    activity_id      BIGINT       NULL,               -- seckill activity
    reservation_id   VARCHAR(40)  NULL,               -- seckill reservation that produced this order (unique)
    cancel_reason    VARCHAR(32)  NULL,               -- shopper | expired | ...
    created_at       DATETIME(3)  NOT NULL,
    updated_at       DATETIME(3)  NOT NULL,
    expires_at       DATETIME(3)  NOT NULL,           -- unpaid orders are cancelled after this
    paid_at          DATETIME(3)  NULL,
    shipped_at       DATETIME(3)  NULL,
    completed_at     DATETIME(3)  NULL,
    cancelled_at     DATETIME(3)  NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uq_orders_order_no (order_no),
    UNIQUE KEY uq_orders_reservation (reservation_id),
    KEY ix_orders_user (user_id, created_at),
    KEY ix_orders_status_expiry (status, expires_at),
    KEY ix_orders_activity (activity_id, status)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Price, title, specs and image are snapshots: later catalog edits never change a placed order.
CREATE TABLE order_items (
    id          BIGINT       NOT NULL AUTO_INCREMENT,
    order_id    BIGINT       NOT NULL,
    sku_id      BIGINT       NOT NULL,
    product_id  BIGINT       NOT NULL,
    title       VARCHAR(120) NOT NULL,
    specs       VARCHAR(500) NOT NULL DEFAULT '{}',
    image       VARCHAR(300) NOT NULL DEFAULT '',
    price_cents BIGINT       NOT NULL,
    quantity    INT          NOT NULL,
    PRIMARY KEY (id),
    KEY ix_order_items_order (order_id),
    CONSTRAINT ck_order_items_quantity CHECK (quantity > 0)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Loyalty points: one ledger row per (order, reason); the unique key makes granting exactly-once.
CREATE TABLE points_ledger (
    id         BIGINT      NOT NULL AUTO_INCREMENT,
    user_id    BIGINT      NOT NULL,
    order_id   BIGINT      NOT NULL,
    reason     VARCHAR(16) NOT NULL,                  -- 'paid' (1 point per whole yuan), 'refund' (negative)
    points     BIGINT      NOT NULL,
    created_at DATETIME(3) NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uq_points_order_reason (order_id, reason),
    KEY ix_points_user (user_id, created_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
