#!/usr/bin/env bash
# Two API instances behind nginx (./mall up --instances 2), one killed with SIGKILL in the middle of a seckill burst
# that goes through nginx. A shop of its own: APIs 5480 and 5481, web 8480 (MALL_INSTANCES_API_PORT /
# MALL_INSTANCES_WEB_PORT), database mall_instances, Redis prefix inst:. Checks: the instances and nginx's upstream,
# SignalR through nginx the way the SPA connects, results pushed by one instance reaching shoppers connected to the
# other (the Redis backplane), and after the kill: no oversell, every 202 ends in an order (polled with a deadline)
# and is pushed to its shopper, drift 0, the shared MariaDB/Redis untouched. Stops only its own shop. Last line:
# "N passed, N failed".
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export MALL_DATA_DIR=${MALL_DATA_DIR:-$ROOT/.mall}
export MALL_API_PORT=${MALL_INSTANCES_API_PORT:-5480} MALL_WEB_PORT=${MALL_INSTANCES_WEB_PORT:-8480}
export MALL_DB_NAME=${MALL_INSTANCES_DB_NAME:-mall_instances} MALL_REDIS_PREFIX=${MALL_INSTANCES_REDIS_PREFIX:-inst:}
MALL_TAG=instances
. "$ROOT/scripts/lib.sh"
. "$ROOT/scripts/test-suites/lib/sale.sh"
WEB=http://127.0.0.1:$MALL_WEB_PORT
SURVIVOR=$MALL_API_PORT VICTIM=$((MALL_API_PORT + 1))
WORK=$MALL_DATA_DIR/instances-suite
LOG=$MALL_DATA_DIR/logs/instances
passed=0 failed=0

ok() { passed=$((passed + 1)); echo "  PASS $*"; }
ko() { failed=$((failed + 1)); echo "  FAIL $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else ko "$what"; fi; }
finish() {
  "$ROOT/mall" stop >"$LOG-stop.log" 2>&1 || true
  echo "$passed passed, $failed failed"
  if [ "$failed" -eq 0 ]; then exit 0; else exit 1; fi
}
trap finish EXIT
export -f json_field

mkdir -p "$MALL_DATA_DIR/logs"
rm -rf "$WORK"; mkdir -p "$WORK/spa/assets"
# nginx in front needs an SPA; this suite tests the API behind it, so a two-file stand-in saves the SPA build.
echo '<!doctype html><div id="app"></div><script type="module" src="/assets/app.js"></script>' >"$WORK/spa/index.html"
echo 'export {}' >"$WORK/spa/assets/app.js"
npm_ci_if_stale "$ROOT/vue-client" >"$LOG-npm.log" 2>&1 || { ko "npm ci in vue-client (the SignalR client; see $LOG-npm.log)"; exit; }

"$ROOT/mall" stop >"$LOG-stop.log" 2>&1 || true
"$ROOT/scripts/services.sh" up >"$LOG-services.log" 2>&1 && "$ROOT/scripts/services.sh" reset >>"$LOG-services.log" 2>&1 \
  || { ko "its database and Redis keys reset (see $LOG-services.log)"; exit; }

# Short recovery grace so a killed instance's reservations are re-driven within seconds; the per-address limit off
# (every shopper comes from 127.0.0.1 through nginx); a 2 s Redis fail-fast bound, as the .NET tests use, so a busy
# test machine does not turn slow Redis answers into 503s.
echo "[instances] ./mall up --instances 2 (APIs $SURVIVOR and $VICTIM, nginx $MALL_WEB_PORT)"
if ! MALL_SPA_ROOT=$WORK/spa MALL_SEED_DEMO_DATA=false Seckill__Recovery__GracePeriod=00:00:03 Seckill__Recovery__Interval=00:00:01 \
     Seckill__Writer__MaxBurstDeferral=00:00:01 Seckill__IpAttemptsPerWindow=1000000 Redis__FailFastMilliseconds=2000 \
     "$ROOT/mall" up --instances 2 >"$LOG-up.log" 2>&1; then
  ko "./mall up --instances 2 starts the shop (see $LOG-up.log)"; tail -n 20 "$LOG-up.log"; exit
fi
ok "./mall up --instances 2 starts the shop"
conf=$MALL_DATA_DIR/nginx-$MALL_WEB_PORT/mall.conf
check "nginx's upstreams (API and hub) name both instances" \
  test "$(grep -cE "server 127\.0\.0\.1:($SURVIVOR|$VICTIM);" "$conf")" -eq 4
status=$("$ROOT/mall" status 2>&1)
check "./mall status lists both instances as running" \
  bash -c 'grep -q "API: running on 127.0.0.1:$1" <<<"$3" && grep -q "API: running on 127.0.0.1:$2" <<<"$3"' _ "$SURVIVOR" "$VICTIM" "$status"
victim_pid=$(cat "$MALL_DATA_DIR/run/api-$VICTIM.pid")

sale_seed "i$$" 310 120 || { ko "sale rows written (users, product)"; exit; }
cfg=$WORK/config.json
shoppers=$SALE_SHOPPERS
write_config() { # shoppers, then extra JSON fields
  printf '{"base":"%s","keyPem":"%s","activityId":%s,"shoppers":[%s],"concurrency":16,"waitSeconds":60%s}\n' \
    "$WEB" "$MALL_DATA_DIR/keys/jwt-signing.pem" "${SALE_ACTIVITY:-0}" "$1" "${2:-}" >"$cfg"
}
write_config "$shoppers"
admin=$(sale_token "$cfg" "$SALE_ADMIN" admin) || { ko "admin token"; exit; }
sale_activity "$WEB" "$admin" 100 || { ko "the activity is created and published through nginx"; exit; }

# SignalR through nginx exactly as the SPA connects (negotiate, then the connection id): with two instances both
# requests must reach the same one, which the hub's upstream (hash of the client address) guarantees.
write_config "$shoppers" ',"hubConnections":8'
hub=$(node "$SALE_JS" hub "$cfg" 2>"$LOG-hub.err")
check "SignalR through nginx: 8 of 8 SPA-style connections (negotiate, then connect) get the hub's greeting" \
  test "$(json_field ok <<<"$hub")" = 8

# The backplane: 10 shoppers listen on one instance and buy on the other; the other writes their orders and pushes
# the results, which must reach them.
first10=$(cut -d, -f1-10 <<<"$shoppers") rest=$(cut -d, -f11- <<<"$shoppers")
write_config "$first10" ",\"hubBase\":\"http://127.0.0.1:$SURVIVOR\",\"base\":\"http://127.0.0.1:$VICTIM\""
pre=$(node "$SALE_JS" burst "$cfg" 2>"$LOG-pre.err")
echo "    bought on $VICTIM, listening on $SURVIVOR: $(json_field byStatus <<<"$pre")"
check "backplane: 10 shoppers buy on one instance and get their results on the other" \
  bash -c '[ "$(json_field accepted.length <<<"$1")" = 10 ] && [ "$(json_field notCreated.length <<<"$1")" = 0 ] && [ "$(json_field notPushed.length <<<"$1")" = 0 ]' _ "$pre"

# The burst through nginx; the second instance is killed with SIGKILL after 60 of the 300 shoppers have had their answer.
write_config "$rest" ",\"hubBase\":\"http://127.0.0.1:$SURVIVOR\",\"killPid\":$victim_pid,\"killAfter\":60"
out=$(node "$SALE_JS" burst "$cfg" 2>"$LOG-burst.err")
echo "$out" >"$LOG-burst.json"
echo "    burst: $(json_field byStatus <<<"$out") in $(json_field burstMs <<<"$out") ms, killed after $(json_field killedAt <<<"$out") answers"
accepted=$(json_field accepted.length <<<"$out")
# SIGKILL is delivered at once, but a process with many threads takes a moment to die, and its pid lingers as a
# zombie until it is reaped: gone means its state says so, within a deadline.
deadline=$((SECONDS + 10))
while pid_alive "$victim_pid" && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
victim_gone=yes; pid_alive "$victim_pid" && victim_gone=no
check "the victim was killed mid-burst (SIGKILL after 60 answers) and is gone" \
  bash -c '[ "$(json_field killedAt <<<"$1")" = 60 ] && [ "$2" = yes ]' _ "$out" "$victim_gone"
unknown=$(json_field byStatus <<<"$out" | grep -oE '"attempt:(0|502|503|504)":[0-9]+' | awk -F: '{ n += $3 } END { print n + 0 }')
echo "    $accepted accepted (202), ${unknown:-0} attempts cut off by the kill (no answer or 502)"
check "the burst through nginx had most units accepted with a 202 ($accepted of the 90 left)" test "$accepted" -ge 60
not_created=$(json_field notCreated.length <<<"$out")
check "every accepted reservation ended in an order (polled through nginx, 60 s deadline; $not_created not)" test "$not_created" = 0
# A push can be lost only with the instance that wrote the order: killed between its commit and its push (a window
# of milliseconds; the SPA polls as well). A broken backplane would lose about half of them.
not_pushed=$(json_field notPushed.length <<<"$out") listening=$(json_field hubsConnected <<<"$out")
check "SignalR: $listening of 300 shoppers connected to the surviving instance before the burst" test "$listening" -ge 270
check "the accepted reservations' results reached their shoppers on the surviving instance over SignalR ($not_pushed of $accepted not; at most 2 may die with the victim)" \
  test "$not_pushed" -le 2

# The database's view: no oversell, no shopper past the limit, every 202 has its order row. An attempt the kill cut
# off may still have reserved its unit on the victim: its reservation is in the log, and recovery writes it once the
# grace period (10 s) has passed, so the count is polled with a deadline.
live_orders() { sale_sql -e "SELECT COUNT(*) FROM orders WHERE activity_id = $SALE_ACTIVITY AND status <> 'Cancelled'"; }
deadline=$((SECONDS + 40))
orders=$(live_orders)
while [ "$orders" -lt 100 ] && [ $SECONDS -lt $deadline ]; do sleep 0.5; orders=$(live_orders); done
check "sold out, no oversell, nothing lost: $orders live orders for 100 units" test "$orders" = 100
doubles=$(sale_sql -e "SELECT COUNT(*) FROM (SELECT user_id FROM orders WHERE activity_id = $SALE_ACTIVITY GROUP BY user_id HAVING COUNT(*) > 1) d")
check "no shopper has two orders (limit 1 per shopper)" test "$doubles" = 0
ids=$( { json_field accepted <<<"$pre"; json_field accepted <<<"$out"; } | node -e '
  const lines = require("fs").readFileSync(0, "utf8").trim().split("\n");
  console.log(lines.flatMap((l) => JSON.parse(l)).map((a) => `'"'"'${a.reservationId}'"'"'`).join(","))')
rows=$(sale_sql -e "SELECT COUNT(*) FROM orders WHERE reservation_id IN ($ids)")
check "every 202 has its order row in MySQL ($rows of $((accepted + 10)))" test "$rows" = $((accepted + 10))

# Reconciliation through nginx (the survivor answers): Redis stock + reservations + orders = initial, drift 0.
if sale_reconcile "$WEB" "$admin" 30; then
  remaining=$(sale_field redisRemaining "$SALE_RECONCILE") live=$(sale_field liveOrders "$SALE_RECONCILE")
  check "reconciliation: drift 0, nothing pending, Redis remaining ($remaining) + live orders ($live) = 100" test $((remaining + live)) = 100
else
  ko "reconciliation reaches drift 0 with nothing pending within 30 s (last: $SALE_RECONCILE)"
fi
log=$(sale_redis xlen "${MALL_REDIS_PREFIX}sk:{a$SALE_ACTIVITY}:log" 2>/dev/null)
check "the reservation log is empty (every entry written and confirmed)" test "$log" = 0

status=$("$ROOT/mall" status 2>&1)
check "./mall status names the killed instance and the running one" \
  bash -c 'grep -q "API: running on 127.0.0.1:$1" <<<"$3" && grep -q "API: not running on 127.0.0.1:$2" <<<"$3"' _ "$SURVIVOR" "$VICTIM" "$status"
check "the shop still answers through nginx on the survivor" wait_http "$WEB/health/ready" 10

"$ROOT/mall" stop >"$LOG-stop.log" 2>&1
check "./mall stop stops every instance and nginx (no pid file, no listener left)" \
  bash -c '! ls "$1"/run/api-$2.pid "$1"/run/api-$3.pid "$1"/run/nginx-$4.pid >/dev/null 2>&1 && [ -z "$(ss -Htln "( sport = :$2 or sport = :$3 or sport = :$4 )")" ]' \
  _ "$MALL_DATA_DIR" "$SURVIVOR" "$VICTIM" "$MALL_WEB_PORT"
