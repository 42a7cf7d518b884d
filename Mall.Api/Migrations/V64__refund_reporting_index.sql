-- The dashboard adds up each day's confirmed refunds by when they succeeded (a range of this index, nothing else read).
CREATE INDEX ix_refunds_succeeded ON refunds (succeeded_at, amount_cents);
