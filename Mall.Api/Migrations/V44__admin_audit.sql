-- Every change an operator makes, written in the same transaction as the change: who, when, what, before and after.
-- before_json / after_json hold the changed entity as the admin API shows it (NULL when it did not exist / no longer does).
CREATE TABLE admin_audit (
    id          BIGINT       NOT NULL AUTO_INCREMENT,
    actor_id    BIGINT       NOT NULL,              -- users.id of the admin
    action      VARCHAR(64)  NOT NULL,              -- e.g. product.update, order.ship, refund.approve
    entity      VARCHAR(32)  NOT NULL,              -- product | category | activity | order | refund | account | ...
    entity_id   VARCHAR(64)  NOT NULL,
    before_json MEDIUMTEXT   NULL,
    after_json  MEDIUMTEXT   NULL,
    client_ip   VARCHAR(45)  NULL,
    trace_id    VARCHAR(64)  NULL,
    created_at  DATETIME(3)  NOT NULL,
    PRIMARY KEY (id),
    KEY ix_admin_audit_entity (entity, entity_id, created_at),
    KEY ix_admin_audit_actor (actor_id, created_at),
    KEY ix_admin_audit_created (created_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
