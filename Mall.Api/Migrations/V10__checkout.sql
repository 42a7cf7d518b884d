-- Checkout idempotency: one row per (shopper, Idempotency-Key), written in the same transaction as the order, so a
-- replayed request finds either nothing (the first attempt rolled back: run again) or the committed answer.
CREATE TABLE idempotency_keys (
    user_id      BIGINT       NOT NULL,
    idem_key     VARCHAR(64)  NOT NULL,
    request_hash CHAR(64)     NOT NULL,             -- SHA-256 of the canonical request body
    order_no     VARCHAR(32)  NOT NULL,
    response     TEXT         NOT NULL,             -- the JSON answered the first time
    created_at   DATETIME(3)  NOT NULL,
    PRIMARY KEY (user_id, idem_key),
    KEY ix_idempotency_created (created_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- "My orders" filtered by status, newest first; also serves the open-unpaid-orders cap (user, PendingPayment).
CREATE INDEX ix_orders_user_status ON orders (user_id, status, created_at);
