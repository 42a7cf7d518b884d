-- Accounts are stored in their canonical spelling (NFKC, lower case) and compared byte for byte: under the
-- case- and accent-insensitive collation "ádmin@…" matched "admin@…". Rows written before are canonicalised at
-- start (AccountCanonicalizer), which reports instead of merging two rows that turn out to be one account.
ALTER TABLE users MODIFY account VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL;
