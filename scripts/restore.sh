#!/usr/bin/env bash
# Restores a scripts/backup.sh backup into FRESH MariaDB and Redis instances and repairs the seckill state in Redis
# from the order rows, so the shop can start on it with drift 0 and no oversell.
#
#   MALL_DATA_DIR=/srv/mall-restored MALL_DB_PORT=3307 MALL_REDIS_PORT=6380 scripts/restore.sh BACKUP_DIR
#
# The target is $MALL_DATA_DIR (with the same MALL_DB_* / MALL_REDIS_* settings as ./mall and scripts/services.sh);
# it must hold no MariaDB or Redis data yet: a restore never overwrites a live shop. The database name and the Redis
# key prefix are the backup's (MALL_DB_NAME / MALL_REDIS_PREFIX must match them or be unset). Afterwards MariaDB and
# Redis run (scripts/services.sh up); start the API (./mall up with the same settings): recovery writes the
# reservations that were still in the log, then every live activity reconciles to drift 0.
#
# The repair (backup.sh explains why it is needed): for every published activity that is neither closed nor cancelled,
#   stock := initial − units in live orders − units released to the SKU − units of reservations still in the log
#            without an order − units of cancelled orders whose return to Redis is still due
# applied only when it LOWERS the stock (a higher figure is reported and left to the operator: units are never sold
# twice), and each buyer's spent allowance is raised to what their orders and unwritten reservations use.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MALL_TAG=restore
BACKUP=${1:?usage: scripts/restore.sh BACKUP_DIR}
[ -f "$BACKUP/manifest" ] && [ -f "$BACKUP/redis.rdb" ] && [ -f "$BACKUP/mysql.sql.gz" ] \
  || { echo "[restore] $BACKUP is not a backup (manifest, redis.rdb, mysql.sql.gz)" >&2; exit 1; }
manifest() { sed -n "s/^$1=//p" "$BACKUP/manifest"; }
backup_db=$(manifest db_name) backup_prefix=$(manifest redis_prefix)
[ -z "${MALL_DB_NAME:-}" ] || [ "$MALL_DB_NAME" = "$backup_db" ] \
  || { echo "[restore] MALL_DB_NAME=$MALL_DB_NAME but the backup is of database $backup_db" >&2; exit 1; }
[ -z "${MALL_REDIS_PREFIX:-}" ] || [ "$MALL_REDIS_PREFIX" = "$backup_prefix" ] \
  || { echo "[restore] MALL_REDIS_PREFIX=$MALL_REDIS_PREFIX but the backup's keys use $backup_prefix" >&2; exit 1; }
export MALL_DB_NAME=$backup_db MALL_REDIS_PREFIX=$backup_prefix
. "$ROOT/scripts/lib.sh"
DATA=${MALL_DATA_DIR:-$ROOT/.mall}
export MALL_DATA_DIR=$DATA
PREFIX=$MALL_REDIS_PREFIX

[ "$(sha256sum "$BACKUP/redis.rdb" | cut -d' ' -f1)" = "$(manifest redis_sha256)" ] || die "redis.rdb does not match its checksum"
[ "$(sha256sum "$BACKUP/mysql.sql.gz" | cut -d' ' -f1)" = "$(manifest mysql_sha256)" ] || die "mysql.sql.gz does not match its checksum"
[ ! -d "$DATA/mariadb/mysql" ] || die "$DATA already holds a MariaDB data directory: restore only into a fresh MALL_DATA_DIR"
[ ! -e "$DATA/redis/appendonlydir" ] && [ ! -e "$DATA/redis/dump.rdb" ] || die "$DATA already holds Redis data: restore only into a fresh MALL_DATA_DIR"

# Fresh instances means nobody answers on their ports yet: a server left running there (same password) would take
# the restore's commands instead of the one started here.
for port in "$DB_PORT" "$REDIS_PORT"; do
  [ -z "$(ss -Htln "sport = :$port" 2>/dev/null)" ] || die "127.0.0.1:$port is already taken: restore only into fresh instances on free ports"
done

redis() { REDISCLI_AUTH=$REDIS_PASSWORD redis-cli -h 127.0.0.1 -p "$REDIS_PORT" "$@"; }
sql() { MYSQL_PWD=$DB_PASSWORD mariadb --no-defaults -h 127.0.0.1 -P "$DB_PORT" -u "$DB_USER" -N -B "$DB_NAME" "$@"; }

# 1. Redis: load the RDB once with AOF off, then turn AOF on (Redis writes the whole dataset into a fresh AOF) and stop;
#    services.sh then starts it the usual way, from that AOF. (Started with AOF on and no AOF yet, Redis would ignore
#    the RDB and start empty.)
mkdir -p "$DATA/redis" "$DATA/run" "$DATA/logs"
cp "$BACKUP/redis.rdb" "$DATA/redis/dump.rdb"
say "loading the Redis snapshot on 127.0.0.1:$REDIS_PORT"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$DATA/redis" --dbfilename dump.rdb --appendonly no --save "" \
  --daemonize yes --pidfile "$DATA/run/redis.pid" --logfile "$DATA/logs/redis.log" --requirepass "$REDIS_PASSWORD" >/dev/null
for _ in $(seq 1 300); do [ "$(redis ping 2>/dev/null)" = PONG ] && break; sleep 0.1; done
[ "$(redis ping 2>/dev/null)" = PONG ] || die "the restored Redis did not start; see $DATA/logs/redis.log"
# Keys with a TTL (rate windows, attempt tokens, challenges) may expire between the two starts: the check counts the
# keys that never expire (stock, buyers, the reservation log, carts).
persistent_keys() { redis eval "local n = 0 for _, k in ipairs(redis.call('KEYS', '*')) do if redis.call('TTL', k) == -1 then n = n + 1 end end return n" 0; }
keys=$(redis dbsize)
persistent=$(persistent_keys)
redis config set appendonly yes >/dev/null
for _ in $(seq 1 600); do
  info=$(redis info persistence)
  if grep -q '^aof_enabled:1' <<<"$info" && grep -q '^aof_rewrite_in_progress:0' <<<"$info" && grep -q '^aof_rewrite_scheduled:0' <<<"$info" \
     && grep -q '^aof_last_bgrewrite_status:ok' <<<"$info"; then break; fi
  sleep 0.1
done
grep -q '^aof_enabled:1' <<<"$(redis info persistence)" || die "Redis did not write its AOF; see $DATA/logs/redis.log"
redis shutdown nosave >/dev/null 2>&1 || true
for _ in $(seq 1 300); do alive "$DATA/run/redis.pid" || break; sleep 0.1; done
rm -f "$DATA/redis/dump.rdb"
say "Redis: $keys keys restored"

# 2. MariaDB: a fresh data directory, the database and the app user (services.sh), then the dump.
"$ROOT/scripts/services.sh" up
[ "$(persistent_keys)" = "$persistent" ] || die "Redis restarted from its AOF with $(persistent_keys) keys without a TTL, not $persistent"
say "loading the MariaDB dump into $DB_NAME"
gunzip -c "$BACKUP/mysql.sql.gz" | sql || die "loading the dump failed"

# 3. The seckill repair, per live activity.
repair_activity() {
  local id=$1 initial=$2 released=$3 tag="${PREFIX}sk:{a$1}"
  [ "$(redis exists "$tag:stock")" = 1 ] || { say "activity $id: no Redis state (not warmed yet): nothing to repair"; return; }
  # The log's entries: "<entry id> <user> <quantity>" a line.
  local entries
  entries=$(redis --no-raw eval "local out = {}
    for _, e in ipairs(redis.call('XRANGE', KEYS[1], '-', '+')) do
      local f, u, q = e[2], '', ''
      for i = 1, #f, 2 do if f[i] == 'u' then u = f[i + 1] elseif f[i] == 'q' then q = f[i + 1] end end
      out[#out + 1] = e[1] .. ' ' .. u .. ' ' .. q
    end
    return out" 1 "$tag:log" | sed -nE 's/^[0-9]+\) "(.*)"$/\1/p')
  local written="" pending_qty=0 pending_users=""
  if [ -n "$entries" ]; then
    local ids; ids=$(awk -v a="$id" '{printf "%s'"'"'%s-%s'"'"'", (NR > 1 ? "," : ""), a, $1}' <<<"$entries")
    written=$(sql -e "SELECT reservation_id FROM orders WHERE reservation_id IN ($ids)")
    local entry user qty
    while read -r entry user qty; do
      grep -qx "$id-$entry" <<<"$written" && continue
      pending_qty=$((pending_qty + qty)); pending_users+="$user $qty"$'\n'
    done <<<"$entries"
  fi
  local live due=0 rid qty
  live=$(sql -e "SELECT COALESCE(SUM(i.quantity), 0) FROM orders o JOIN order_items i ON i.order_id = o.id
                 WHERE o.activity_id = $id AND o.status <> 'Cancelled'")
  # Cancelled orders whose units the expiry pass has still to give back (no exactly-once marker in Redis yet).
  while read -r rid qty; do
    [ -n "$rid" ] || continue
    [ "$(redis sismember "$tag:returned" "$rid")" = 1 ] || due=$((due + qty))
  done < <(sql -e "SELECT o.reservation_id, i.quantity FROM orders o JOIN order_items i ON i.order_id = o.id
                   WHERE o.activity_id = $id AND o.status = 'Cancelled' AND o.stock_return_pending = 1")
  local stock target
  stock=$(redis get "$tag:stock")
  target=$((initial - live - released - pending_qty - due))
  if [ "$target" -lt 0 ]; then target=0; fi
  if [ "$target" -lt "$stock" ]; then
    redis set "$tag:stock" "$target" >/dev/null
    say "activity $id: stock $stock → $target (orders written after the Redis snapshot: $((stock - target)) units)"
  elif [ "$target" -gt "$stock" ]; then
    say "activity $id: stock $stock, the orders allow $target: left as it is (never raised automatically; see docs/operations.md)"
  else
    say "activity $id: stock $stock agrees with the orders"
  fi
  # Allowances: what each buyer's orders (any status: a lapsed unit stays spent) and unwritten reservations used.
  local user spent have raised=0
  while read -r user spent; do
    [ -n "$user" ] || continue
    have=$(redis hget "$tag:buyers" "$user"); have=${have:-0}
    if [ "$spent" -gt "$have" ]; then redis hset "$tag:buyers" "$user" "$spent" >/dev/null; raised=$((raised + 1)); fi
  done < <({ sql -e "SELECT o.user_id, SUM(i.quantity) FROM orders o JOIN order_items i ON i.order_id = o.id
                     WHERE o.activity_id = $id GROUP BY o.user_id"; printf '%s' "$pending_users"; } |
           awk 'NF == 2 { s[$1] += $2 } END { for (u in s) print u, s[u] }')
  [ "$raised" -eq 0 ] || say "activity $id: $raised buyers' spent allowance raised to their orders"
}
while read -r id initial released; do
  [ -n "$id" ] && repair_activity "$id" "$initial" "$released"
done < <(sql -e "SELECT id, stock, released_units FROM seckill_activities
                 WHERE published_at IS NOT NULL AND closed_at IS NULL AND cancelled_at IS NULL")

say "restored into $DATA (MariaDB 127.0.0.1:$DB_PORT database $DB_NAME, Redis 127.0.0.1:$REDIS_PORT prefix $PREFIX)"
say "next: start the API on it (./mall up with the same settings); recovery writes what was still queued; then reconcile every live activity (drift 0)"
