-- The operators' console over orders (issue 16): how an order was shipped, who closed it and why, and the
-- operators' remarks on it. Kept to the common subset of MySQL 8.4 and MariaDB 10.11.
ALTER TABLE orders
    ADD COLUMN carrier      VARCHAR(32)  NULL,          -- set when shipped: the carrier's name (顺丰速运, SF Express, …)
    ADD COLUMN tracking_no  VARCHAR(40)  NULL,          -- the carrier's waybill number
    ADD COLUMN shipped_by   BIGINT       NULL,          -- users.id of the operator who shipped it
    ADD COLUMN cancelled_by BIGINT       NULL,          -- users.id of the operator who closed it (NULL: shopper or expiry)
    ADD COLUMN cancel_note  VARCHAR(200) NULL;          -- the operator's reason for closing it

-- Free-text notes operators leave on an order (a shopper's phone call, a damaged parcel); never shown to the shopper.
CREATE TABLE order_remarks (
    id         BIGINT       NOT NULL AUTO_INCREMENT,
    order_id   BIGINT       NOT NULL,
    author_id  BIGINT       NOT NULL,                   -- users.id of the operator
    body       VARCHAR(500) NOT NULL,
    created_at DATETIME(3)  NOT NULL,
    PRIMARY KEY (id),
    KEY ix_order_remarks_order (order_id, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- The member list pages newest first and filters on enabled/disabled accounts.
CREATE INDEX ix_users_created ON users (created_at, id);
CREATE INDEX ix_users_disabled ON users (disabled_at, created_at);
