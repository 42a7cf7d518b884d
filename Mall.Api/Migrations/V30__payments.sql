-- One row per attempt to collect an order's money through a provider. payment_no is the out_trade_no sent to
-- the provider, so a shopper may try WeChat Pay and then Alipay for the same order without clashing.
-- Status: Pending → Paid; Pending → Closed (order cancelled/expired, closed at the provider);
-- Pending/Closed → RefundPending → Refunding → Refunded (money arrived for an order that can no longer be paid,
-- or a second payment of an already paid order). Every transition is a conditional UPDATE on the status.
CREATE TABLE payments (
    id                BIGINT       NOT NULL AUTO_INCREMENT,
    payment_no        VARCHAR(32)  NOT NULL,
    order_id          BIGINT       NOT NULL,
    order_no          VARCHAR(32)  NOT NULL,
    user_id           BIGINT       NOT NULL,
    provider          VARCHAR(16)  NOT NULL,            -- wechatpay | alipay
    channel           VARCHAR(16)  NOT NULL,            -- native | jsapi | page | precreate
    amount_cents      BIGINT       NOT NULL,            -- copied from orders.total_cents, never from a client
    status            VARCHAR(16)  NOT NULL,
    prepay            TEXT         NULL,                -- JSON of what the shopper needs to pay (codeUrl, jsapi, redirectUrl)
    provider_trade_no VARCHAR(64)  NULL,                -- transaction_id / trade_no once paid
    refund_no         VARCHAR(32)  NULL,                -- out_refund_no / out_request_no, reused on every retry
    created_at        DATETIME(3)  NOT NULL,
    updated_at        DATETIME(3)  NOT NULL,
    paid_at           DATETIME(3)  NULL,
    closed_at         DATETIME(3)  NULL,
    refunded_at       DATETIME(3)  NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uq_payments_payment_no (payment_no),
    UNIQUE KEY uq_payments_refund_no (refund_no),
    KEY ix_payments_order (order_id, provider, channel, status),
    KEY ix_payments_status (status, updated_at),
    CONSTRAINT ck_payments_amount CHECK (amount_cents > 0)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
