-- An operator can disable an account: it cannot sign in, refresh, or use the tokens it holds.
ALTER TABLE users ADD COLUMN disabled_at DATETIME(3) NULL;
