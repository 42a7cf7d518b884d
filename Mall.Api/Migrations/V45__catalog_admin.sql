-- The operators' catalog console (issue 16).
-- products.version counts the changes an edit could overwrite (fields, SKUs, stock): an edit names the version it
-- was made from and is refused if another change came first.
ALTER TABLE products ADD COLUMN version INT NOT NULL DEFAULT 1;

-- A category's icon: a site-local image path (/media/...), or empty.
ALTER TABLE categories ADD COLUMN icon VARCHAR(300) NOT NULL DEFAULT '';

-- A product's images in display order. products.images keeps the same URLs as a JSON array for the readers that
-- only need the list (cart, checkout, seckill, the public product pages); every change here rewrites it in the same
-- transaction. An uploaded image has its format, size and hash; a linked one (a path given when the product was
-- created, e.g. the demo SVGs) has content_type '' and no file of its own.
CREATE TABLE product_images (
    id           BIGINT       NOT NULL AUTO_INCREMENT,
    product_id   BIGINT       NOT NULL,
    url          VARCHAR(300) NOT NULL,
    position     INT          NOT NULL,
    content_type VARCHAR(32)  NOT NULL DEFAULT '',
    width        INT          NULL,
    height       INT          NULL,
    bytes        BIGINT       NULL,
    created_at   DATETIME(3)  NOT NULL,
    PRIMARY KEY (id),
    KEY ix_product_images_product (product_id, position)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
