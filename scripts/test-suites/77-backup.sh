#!/usr/bin/env bash
# Backup and restore in the middle of a sale. A shop of its own (API 5580, web 8580; MALL_BACKUP_API_PORT /
# MALL_BACKUP_WEB_PORT; database mall_backup, Redis prefix bkp:) on the shared MariaDB and Redis runs a seckill
# burst; scripts/backup.sh runs while it sells; scripts/restore.sh restores it into FRESH instances (a new MariaDB
# data directory and a new Redis on MALL_BACKUP_DB_PORT 3580 / MALL_BACKUP_REDIS_PORT 6580, under a data dir of
# their own); an API starts on the restored data (API 5581, web 8581) and recovery plus reconciliation run. Checks:
# drift 0, no oversell, no reservation accepted before the snapshot lost, and the restored shop sells exactly the
# units left. Stops its shops and the restored instances, never the shared MariaDB/Redis. Last line: "N passed, N failed".
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export MALL_DATA_DIR=${MALL_DATA_DIR:-$ROOT/.mall}
MAIN_DATA=$MALL_DATA_DIR
export MALL_API_PORT=${MALL_BACKUP_API_PORT:-5580} MALL_WEB_PORT=${MALL_BACKUP_WEB_PORT:-8580}
export MALL_DB_NAME=${MALL_BACKUP_DB_NAME:-mall_backup} MALL_REDIS_PREFIX=${MALL_BACKUP_REDIS_PREFIX:-bkp:}
R_DB_PORT=${MALL_BACKUP_DB_PORT:-3580} R_REDIS_PORT=${MALL_BACKUP_REDIS_PORT:-6580}
R_API_PORT=$((MALL_API_PORT + 1)) R_WEB_PORT=$((MALL_WEB_PORT + 1))
MALL_TAG=backup-suite
. "$ROOT/scripts/lib.sh"
. "$ROOT/scripts/test-suites/lib/sale.sh"
WEB=http://127.0.0.1:$MALL_WEB_PORT R_WEB=http://127.0.0.1:$R_WEB_PORT
WORK=$MAIN_DATA/backup-suite
RESTORED=$WORK/restored
LOG=$MAIN_DATA/logs/backup-suite
passed=0 failed=0

ok() { passed=$((passed + 1)); echo "  PASS $*"; }
ko() { failed=$((failed + 1)); echo "  FAIL $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else ko "$what"; fi; }
# A command against the restored instances: their data dir and ports.
restored() {
  ( export MALL_DATA_DIR=$RESTORED MALL_DB_PORT=$R_DB_PORT MALL_REDIS_PORT=$R_REDIS_PORT MALL_API_PORT=$R_API_PORT MALL_WEB_PORT=$R_WEB_PORT
    . "$ROOT/scripts/lib.sh"; . "$ROOT/scripts/test-suites/lib/sale.sh"; "$@" )
}
finish() {
  [ -z "${burst_pid:-}" ] || kill "$burst_pid" 2>/dev/null
  "$ROOT/mall" stop >"$LOG-stop.log" 2>&1 || true
  if [ -d "$RESTORED" ]; then restored "$ROOT/mall" down >>"$LOG-stop.log" 2>&1 || true; fi
  echo "$passed passed, $failed failed"
  if [ "$failed" -eq 0 ]; then exit 0; else exit 1; fi
}
trap finish EXIT
export -f json_field

mkdir -p "$MAIN_DATA/logs"
# Instances a previous run left (the restored ones live under $WORK): stopped before it is cleared.
if [ -d "$RESTORED" ]; then restored "$ROOT/mall" down >"$LOG-stop.log" 2>&1 || true; fi
rm -rf "$WORK"; mkdir -p "$WORK/spa/assets"
echo '<!doctype html><div id="app"></div><script type="module" src="/assets/app.js"></script>' >"$WORK/spa/index.html"
echo 'export {}' >"$WORK/spa/assets/app.js"
npm_ci_if_stale "$ROOT/vue-client" >"$LOG-npm.log" 2>&1 || { ko "npm ci in vue-client (see $LOG-npm.log)"; exit; }
export MALL_SPA_ROOT=$WORK/spa MALL_SEED_DEMO_DATA=false Seckill__Recovery__GracePeriod=00:00:03 Seckill__Recovery__Interval=00:00:01 \
  Seckill__Writer__MaxBurstDeferral=00:00:01 Seckill__IpAttemptsPerWindow=1000000 Redis__FailFastMilliseconds=2000

"$ROOT/mall" stop >"$LOG-stop.log" 2>&1 || true
"$ROOT/scripts/services.sh" up >"$LOG-services.log" 2>&1 && "$ROOT/scripts/services.sh" reset >>"$LOG-services.log" 2>&1 \
  || { ko "its database and Redis keys reset (see $LOG-services.log)"; exit; }
"$ROOT/mall" up >"$LOG-up.log" 2>&1 || { ko "the shop starts (see $LOG-up.log)"; tail -n 20 "$LOG-up.log"; exit; }

STOCK=300
sale_seed "b$$" 200 "$STOCK" || { ko "sale rows written"; exit; }
cfg=$WORK/config.json
admin=$(printf '{"keyPem":"%s"}' "$MAIN_DATA/keys/jwt-signing.pem" >"$cfg" && sale_token "$cfg" "$SALE_ADMIN" admin) || { ko "admin token"; exit; }
sale_activity "$WEB" "$admin" "$STOCK" || { ko "the activity is created and published"; exit; }
printf '{"base":"%s","keyPem":"%s","activityId":%s,"shoppers":[%s],"concurrency":2,"pauseMs":120,"waitSeconds":60}\n' \
  "$WEB" "$MAIN_DATA/keys/jwt-signing.pem" "$SALE_ACTIVITY" "$SALE_SHOPPERS" >"$cfg"

# The sale runs in the background (paced so it outlasts the backup on a quiet machine too); the backup starts once 40
# orders are written, while shoppers keep buying.
node "$SALE_JS" burst "$cfg" >"$WORK/burst.json" 2>"$LOG-burst.err" &
burst_pid=$!
deadline=$((SECONDS + 60))
until [ "$(sale_sql -e "SELECT COUNT(*) FROM orders WHERE activity_id = $SALE_ACTIVITY")" -ge 40 ] || [ $SECONDS -ge $deadline ]; do sleep 0.1; done
backup=$WORK/backup
"$ROOT/scripts/backup.sh" "$backup" >"$LOG-backup.log" 2>&1; rc=$?
selling=no; pid_alive "$burst_pid" && selling=yes # a finished burst can linger as a zombie until it is waited for
at_backup=$(sale_sql -e "SELECT COUNT(*) FROM orders WHERE activity_id = $SALE_ACTIVITY")
check "scripts/backup.sh backs up Redis and MariaDB while the sale runs (still selling after it: $selling; $at_backup orders then)" \
  bash -c '[ "$1" = 0 ] && [ "$2" = yes ] && [ -s "$3/redis.rdb" ] && [ -s "$3/mysql.sql.gz" ] && grep -q "^redis_started_ms=" "$3/manifest"' _ "$rc" "$selling" "$backup"
wait "$burst_pid"; burst_pid=
out=$(cat "$WORK/burst.json")
echo "    the sale: $(json_field byStatus <<<"$out")"
check "the source shop's sale ends with every 202 an order and drift 0" \
  bash -c '[ "$(json_field notCreated.length <<<"$1")" = 0 ] && [ "$(json_field accepted.length <<<"$1")" -gt 0 ]' _ "$out"
sale_reconcile "$WEB" "$admin" 30 || ko "the source shop reconciles to drift 0 (last: $SALE_RECONCILE)"
"$ROOT/mall" stop >"$LOG-stop.log" 2>&1

# Restore into fresh instances on other ports, under a data dir of their own.
if restored "$ROOT/scripts/restore.sh" "$backup" >"$LOG-restore.log" 2>&1; then ok "scripts/restore.sh restores into a fresh MariaDB and Redis"
else ko "scripts/restore.sh restores into a fresh MariaDB and Redis (see $LOG-restore.log)"; tail -n 20 "$LOG-restore.log"; exit; fi
sed 's/^/    /' "$LOG-restore.log" | grep -E 'activity|keys restored'
check "the restored MariaDB has its own data directory and port, the restored Redis its own AOF" \
  bash -c '[ -d "$1/mariadb/mysql" ] && [ -d "$1/redis/appendonlydir" ] && [ -n "$(ss -Htln "sport = :$2")" ] && [ -n "$(ss -Htln "sport = :$3")" ]' _ "$RESTORED" "$R_DB_PORT" "$R_REDIS_PORT"

if ! restored "$ROOT/mall" up >"$LOG-restored-up.log" 2>&1; then ko "an API starts on the restored data (see $LOG-restored-up.log)"; exit; fi
ok "an API starts on the restored data (migrations already applied)"
r_cfg=$WORK/restored.json
printf '{"keyPem":"%s"}' "$RESTORED/keys/jwt-signing.pem" >"$r_cfg"
r_admin=$(sale_token "$r_cfg" "$SALE_ADMIN" admin) || { ko "admin token for the restored shop"; exit; }
if sale_reconcile "$R_WEB" "$r_admin" 40; then
  ok "recovery and reconciliation on the restored shop: drift 0, nothing pending ($SALE_RECONCILE)"
else
  ko "the restored shop reconciles to drift 0 with nothing pending within 40 s (last: $SALE_RECONCILE)"
fi
r_orders=$(restored sale_sql -e "SELECT COUNT(*) FROM orders WHERE activity_id = $SALE_ACTIVITY AND status <> 'Cancelled'")
doubles=$(restored sale_sql -e "SELECT COUNT(*) FROM (SELECT user_id FROM orders WHERE activity_id = $SALE_ACTIVITY GROUP BY user_id HAVING COUNT(*) > 1) d")
check "no oversell on the restored shop ($r_orders live orders for $STOCK units) and no shopper twice" \
  bash -c '[ "$1" -le "$2" ] && [ "$3" = 0 ]' _ "$r_orders" "$STOCK" "$doubles"

# Reservation ids carry Redis's clock (<activity>-<ms>-<seq>): every one accepted before the snapshot began is in
# the backup, so it must be an order on the restored shop.
snapshot_ms=$(sed -n 's/^redis_started_ms=//p' "$backup/manifest")
before=$(json_field accepted <<<"$out" | node -e '
  const [ms] = process.argv.slice(1).map(Number)
  const a = JSON.parse(require("fs").readFileSync(0, "utf8")).filter((r) => Number(r.reservationId.split("-")[1]) < ms)
  console.log(a.length + " " + a.map((r) => `'"'"'${r.reservationId}'"'"'`).join(","))' "$snapshot_ms")
count=${before%% *} ids=${before#* }
found=0; [ "$count" -eq 0 ] || found=$(restored sale_sql -e "SELECT COUNT(*) FROM orders WHERE reservation_id IN ($ids)")
check "no reservation accepted before the snapshot is lost: $found of $count are orders on the restored shop" \
  bash -c '[ "$1" -gt 0 ] && [ "$1" = "$2" ]' _ "$count" "$found"

# The restored shop goes on selling: new shoppers take exactly the units left, no more.
left=$(sale_field redisRemaining "$SALE_RECONCILE")
restored sale_seed "r$$" $((left + 30)) 1 >/dev/null 2>&1
r_shoppers=$(restored sale_sql -e "SELECT id FROM users WHERE account LIKE 'sr$$-%@sale.mall.local' ORDER BY id" | paste -sd,)
printf '{"base":"%s","keyPem":"%s","activityId":%s,"shoppers":[%s],"concurrency":8,"waitSeconds":60}\n' \
  "$R_WEB" "$RESTORED/keys/jwt-signing.pem" "$SALE_ACTIVITY" "$r_shoppers" >"$r_cfg"
more=$(node "$SALE_JS" burst "$r_cfg" 2>"$LOG-restored-burst.err")
echo "    restored shop, $left units left: $(json_field byStatus <<<"$more")"
sale_reconcile "$R_WEB" "$r_admin" 30 || true
final=$(restored sale_sql -e "SELECT COUNT(*) FROM orders WHERE activity_id = $SALE_ACTIVITY AND status <> 'Cancelled'")
check "the restored shop sells exactly the $left units left ($(json_field accepted.length <<<"$more") accepted): $final live orders for $STOCK units, drift 0" \
  bash -c '[ "$1" = "$2" ] && [ "$(json_field accepted.length <<<"$3")" = "$4" ] && grep -q "\"drift\":0[,}]" <<<"$5"' _ "$final" "$STOCK" "$more" "$left" "$SALE_RECONCILE"
