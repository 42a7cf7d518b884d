#!/usr/bin/env bash
# A backup of the shop's Redis and MariaDB, safe while a sale runs (nothing is locked, nothing is paused).
#
#   scripts/backup.sh [DEST]     DEST defaults to $MALL_DATA_DIR/backups/<UTC time>; prints DEST on its last line
#
# Reads the same settings as ./mall and scripts/services.sh (MALL_DB_PORT, MALL_DB_NAME, MALL_DB_PASSWORD,
# MALL_REDIS_PORT, MALL_REDIS_PASSWORD, MALL_REDIS_PREFIX). Writes:
#   redis.rdb      a point-in-time snapshot of the whole Redis (redis-cli --rdb: the server forks and streams an RDB)
#   mysql.sql.gz   mariadb-dump --single-transaction of the shop's database (one consistent InnoDB snapshot)
#   manifest       when each was taken, the database name, the Redis key prefix, checksums
#
# Redis FIRST, then MySQL, on purpose. The two snapshots cannot be taken at one instant; what happens in between:
#   - a reservation accepted in between is missing from the Redis copy; if its order was written before the dump
#     began, the dump has the order but Redis "forgot" the decrement. scripts/restore.sh repairs exactly that from the
#     order rows (stock lowered, buyer's allowance spent) before the API starts: never an oversell;
#   - the other order would lose orders: a reservation in Redis's log is deleted from it once its order is written,
#     so an order written between a MySQL-first dump and the Redis copy would be in neither.
# A reservation accepted after the Redis snapshot and not yet written when the dump began is not in the backup (it
# happened after the backup point, like anything later).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MALL_TAG=backup
. "$ROOT/scripts/lib.sh"
DATA=${MALL_DATA_DIR:-$ROOT/.mall}
PREFIX=${MALL_REDIS_PREFIX:-mall:}
DEST=${1:-$DATA/backups/$(date -u +%Y%m%dT%H%M%SZ)}

have redis-cli && have mariadb-dump || die "redis-cli and mariadb-dump are needed (Debian: redis-tools, mariadb-client)"
[ ! -e "$DEST/manifest" ] || die "$DEST already holds a backup"
mkdir -p "$DEST"
chmod 700 "$DEST"

now_ms() { date +%s%3N; }

say "Redis 127.0.0.1:$REDIS_PORT → $DEST/redis.rdb"
redis_started=$(now_ms)
REDISCLI_AUTH=$REDIS_PASSWORD redis-cli -h 127.0.0.1 -p "$REDIS_PORT" --rdb "$DEST/redis.rdb" >"$DEST/redis-cli.log" 2>&1 \
  || { cat "$DEST/redis-cli.log" >&2; die "the Redis snapshot failed"; }
redis_done=$(now_ms)

say "MariaDB 127.0.0.1:$DB_PORT database $DB_NAME → $DEST/mysql.sql.gz"
mysql_started=$(now_ms)
# --single-transaction: a consistent snapshot without locking the order path. No --routines/--events: the schema
# has none (Evolve migrations create tables and indexes only). The password stays in the environment.
MYSQL_PWD=$DB_PASSWORD mariadb-dump --no-defaults -h 127.0.0.1 -P "$DB_PORT" -u "$DB_USER" --single-transaction --quick \
  --hex-blob --triggers --no-tablespaces "$DB_NAME" 2>"$DEST/mariadb-dump.log" | gzip -6 >"$DEST/mysql.sql.gz"
[ "${PIPESTATUS[0]}" -eq 0 ] || { cat "$DEST/mariadb-dump.log" >&2; die "mariadb-dump failed"; }
mysql_done=$(now_ms)

cat >"$DEST/manifest" <<MANIFEST
format=1
db_name=$DB_NAME
redis_prefix=$PREFIX
redis_started_ms=$redis_started
redis_done_ms=$redis_done
mysql_started_ms=$mysql_started
mysql_done_ms=$mysql_done
redis_sha256=$(sha256sum "$DEST/redis.rdb" | cut -d' ' -f1)
mysql_sha256=$(sha256sum "$DEST/mysql.sql.gz" | cut -d' ' -f1)
MANIFEST
say "done: Redis in $((redis_done - redis_started)) ms, MariaDB in $((mysql_done - mysql_started)) ms"
echo "$DEST"
