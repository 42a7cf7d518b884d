-- After-sales (issue 16): a shopper's request to get money back for a paid order, and the refunds that move it.
-- after_sales.status: AwaitingReview → Refunding (approved) | Rejected | Cancelled (by the shopper);
-- Refunding → Refunded. A request made before shipping starts at Refunding (no review).
-- open_order_id equals order_id while the after-sale is open (AwaitingReview, Refunding) and is NULL once it is
-- closed: its unique key is what allows at most one open after-sale per order, whatever the application does.
CREATE TABLE after_sales (
    id                  BIGINT       NOT NULL AUTO_INCREMENT,
    after_sale_no       VARCHAR(32)  NOT NULL,
    order_id            BIGINT       NOT NULL,
    order_no            VARCHAR(32)  NOT NULL,
    user_id             BIGINT       NOT NULL,
    kind                VARCHAR(16)  NOT NULL,            -- refund (not shipped yet) | return (shipped)
    status              VARCHAR(16)  NOT NULL,
    reason              VARCHAR(200) NOT NULL,
    amount_cents        BIGINT       NOT NULL,
    photo_urls          TEXT         NOT NULL,            -- JSON array of URLs
    order_status_before VARCHAR(20)  NOT NULL,            -- the order's status to return to when it ends without a full refund
    open_order_id       BIGINT       NULL,
    review_note         VARCHAR(200) NULL,
    reviewed_by         BIGINT       NULL,
    created_at          DATETIME(3)  NOT NULL,
    updated_at          DATETIME(3)  NOT NULL,
    reviewed_at         DATETIME(3)  NULL,
    refunded_at         DATETIME(3)  NULL,
    closed_at           DATETIME(3)  NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uq_after_sales_no (after_sale_no),
    UNIQUE KEY uq_after_sales_open_order (open_order_id),
    KEY ix_after_sales_user (user_id, created_at),
    KEY ix_after_sales_order (order_id, status),
    KEY ix_after_sales_status (status, created_at),
    CONSTRAINT ck_after_sales_amount CHECK (amount_cents > 0)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- The goods an after-sale gives back (optional): returned to stock once, when its refund succeeds.
CREATE TABLE after_sale_items (
    after_sale_id BIGINT NOT NULL,
    sku_id        BIGINT NOT NULL,
    product_id    BIGINT NOT NULL,
    quantity      INT    NOT NULL,
    PRIMARY KEY (after_sale_id, sku_id),
    CONSTRAINT ck_after_sale_items_quantity CHECK (quantity > 0)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- One refund per after-sale (unique after_sale_id: an after-sale can never be refunded twice). refund_no is the
-- out_refund_no (WeChat Pay) / out_request_no (Alipay), sent unchanged on every retry, so the provider moves the
-- money at most once. Status: Pending (not accepted by the provider yet) → Processing (accepted, awaiting its
-- confirmation) → Succeeded.
CREATE TABLE refunds (
    id                 BIGINT       NOT NULL AUTO_INCREMENT,
    refund_no          VARCHAR(32)  NOT NULL,
    after_sale_id      BIGINT       NOT NULL,
    order_id           BIGINT       NOT NULL,
    payment_no         VARCHAR(32)  NOT NULL,
    provider           VARCHAR(16)  NOT NULL,
    amount_cents       BIGINT       NOT NULL,
    payment_cents      BIGINT       NOT NULL,            -- the paid total the refund is part of (WeChat amount.total)
    status             VARCHAR(16)  NOT NULL,
    attempts           INT          NOT NULL DEFAULT 0,
    last_error         VARCHAR(300) NULL,
    created_at         DATETIME(3)  NOT NULL,
    updated_at         DATETIME(3)  NOT NULL,
    succeeded_at       DATETIME(3)  NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uq_refunds_refund_no (refund_no),
    UNIQUE KEY uq_refunds_after_sale (after_sale_id),
    KEY ix_refunds_order (order_id, status),
    KEY ix_refunds_status (status, updated_at),
    CONSTRAINT ck_refunds_amount CHECK (amount_cents > 0 AND amount_cents <= payment_cents)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Stock given back by a refund: one row per (refund, SKU), inserted in the transaction that returns it, so the
-- return happens exactly once however often the refund is confirmed.
CREATE TABLE refund_stock_returns (
    refund_id  BIGINT      NOT NULL,
    sku_id     BIGINT      NOT NULL,
    quantity   INT         NOT NULL,
    created_at DATETIME(3) NOT NULL,
    PRIMARY KEY (refund_id, sku_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Points taken back for refunded money: one 'refund' ledger row per refund (refund_id; 0 for every other reason),
-- so the unique key still makes each grant and each take-back happen exactly once.
ALTER TABLE points_ledger
    ADD COLUMN refund_id BIGINT NOT NULL DEFAULT 0,
    DROP INDEX uq_points_order_reason,
    ADD UNIQUE KEY uq_points_order_reason_refund (order_id, reason, refund_id);
