-- Home page banners (issue 18): an image with a title that links to a product, a category or a seckill activity.
-- The shop shows the enabled ones whose window (starts_at/ends_at, either open) contains now, by position then id.
-- target_id names a row of products, categories or seckill_activities by target_type; not a foreign key, as a
-- banner may outlive its target (the console shows it, the shop's link then lands on the missing-item page).
CREATE TABLE banners (
    id          BIGINT       NOT NULL AUTO_INCREMENT,
    title       VARCHAR(64)  NOT NULL,
    image       VARCHAR(300) NOT NULL,
    target_type VARCHAR(16)  NOT NULL,
    target_id   BIGINT       NOT NULL,
    position    INT          NOT NULL DEFAULT 0,
    starts_at   DATETIME(3)  NULL,
    ends_at     DATETIME(3)  NULL,
    enabled     TINYINT(1)   NOT NULL DEFAULT 1,
    created_at  DATETIME(3)  NOT NULL,
    updated_at  DATETIME(3)  NOT NULL,
    PRIMARY KEY (id),
    KEY ix_banners_shown (enabled, position)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
