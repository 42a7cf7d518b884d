-- An operator can cancel an activity: it stops at once (Redis meta.cancelled), its unsold units go back to the SKU
-- (released_units, exactly once through cancel_released_at), and the reservations it had accepted still become orders.
ALTER TABLE seckill_activities
    ADD COLUMN cancelled_at       DATETIME(3) NULL,
    ADD COLUMN cancel_released_at DATETIME(3) NULL,  -- the units Redis held at the cancel went back to the SKU
    -- MySQL is written first: every change bumps version, and Redis is brought up to it afterwards (warmed_version).
    -- A crash in between leaves warmed_version < version, which the recovery pass of any instance finishes.
    ADD COLUMN version            INT         NOT NULL DEFAULT 0,
    ADD COLUMN warmed_version     INT         NOT NULL DEFAULT 0,
    ADD KEY ix_seckill_activities_created (created_at);
