#!/usr/bin/env bash
# Smoke run of the load-test CLI (Mall.LoadTests) so it never rots: a shop of its own (API 5280, web 8280, or
# MALL_BENCH_API_PORT / MALL_BENCH_WEB_PORT; database mall_bench, Redis prefix bench:), a few seconds of load with
# loose thresholds: the seckill invariants, the login abuse check, browse, checkout (two SKUs, the hot-row baseline, its
# MySQL checks), and the dashboard over a small seeded order history; then that a failing run says so (a run whose
# shoppers the shop refuses exits 1 with RESULT: FAILED, and ./mall bench refuses a port held by a process it did not
# start). Every scenario must be there: an API that answers 404/405 (or anything unexpected) where a scenario needs it
# fails, it is never skipped. Stops only that shop (./mall stop), never the shared MariaDB/Redis. Last line:
# "N passed, N failed, N skipped".
# What counts: the two argument-handling checks, seed-orders, the two failing-run checks, the sale's unpaid-order
# lifetime (an hour, so its orders do not expire into the next measurement), and one test per scenario run,
# which passes only if the run exits 0, every check line of its report is ✔, its report states the API's RSS and GC
# pause, and its three report files are there (the failing checks are printed).
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export MALL_DATA_DIR=${MALL_DATA_DIR:-$ROOT/.mall}
export MALL_API_PORT=${MALL_BENCH_API_PORT:-5280} MALL_WEB_PORT=${MALL_BENCH_WEB_PORT:-8280}
export MALL_DB_NAME=${MALL_BENCH_DB_NAME:-mall_bench} MALL_REDIS_PREFIX=${MALL_BENCH_REDIS_PREFIX:-bench:}
MALL_TAG=bench-smoke
. "$ROOT/scripts/lib.sh"
. "$ROOT/scripts/test-suites/lib/sale.sh" # sale_sql: the shop's database as the app user
API=http://127.0.0.1:$MALL_API_PORT
CLI_DLL=$ROOT/Mall.LoadTests/bin/Release/net10.0/Mall.LoadTests.dll
OUT=$MALL_DATA_DIR/bench-smoke
LOG=$MALL_DATA_DIR/logs/bench-smoke
passed=0 failed=0 skipped=0
STRAY_PID=

ok() { passed=$((passed + 1)); echo "  PASS $*"; }
ko() { failed=$((failed + 1)); echo "  FAIL $*"; }
finish() {
  if [ -n "$STRAY_PID" ]; then kill "$STRAY_PID" 2>/dev/null || true; fi
  "$ROOT/mall" stop >"$LOG-stop.log" 2>&1 || true
  echo "$passed passed, $failed failed, $skipped skipped"
  if [ "$failed" -eq 0 ]; then exit 0; else exit 1; fi
}
trap finish EXIT

mkdir -p "$MALL_DATA_DIR/logs"
rm -rf "$OUT"; mkdir -p "$OUT"

echo "[bench-smoke] building Mall.LoadTests"
dotnet build "$ROOT/Mall.LoadTests/Mall.LoadTests.csproj" -c Release -nologo -v quiet >"$LOG-build.log" 2>&1 \
  || { ko "Mall.LoadTests builds (see $LOG-build.log)"; exit; }
cli() { dotnet "$CLI_DLL" "$@"; }

# Argument handling needs no shop.
out=$(cli browse --model sideways 2>&1); rc=$?
if [ $rc -eq 2 ] && grep -q -- "--model must be closed, open or ramp" <<<"$out" && ! grep -q "   at " <<<"$out"; then
  ok "a bad option exits 2 with a clear message"; else ko "a bad option exits 2 with a clear message (rc=$rc: $out)"; fi
out=$(cli browse --base-url http://shop.example.com 2>&1); rc=$?
if [ $rc -eq 2 ] && grep -q "Refusing to load-test shop.example.com" <<<"$out"; then
  ok "a non-loopback target is refused"; else ko "a non-loopback target is refused (rc=$rc: $out)"; fi

echo "[bench-smoke] starting its own shop on 127.0.0.1:$MALL_API_PORT (database $MALL_DB_NAME)"
# A fresh API process on a fresh database and key prefix, so the smoke runs the code just built against exactly
# its migrations (a database left by an older build can hold migrations out of order) and no stale seckill keys.
"$ROOT/mall" stop >"$LOG-stop.log" 2>&1 || true
"$ROOT/scripts/services.sh" up >"$LOG-services.log" 2>&1 && "$ROOT/scripts/services.sh" reset >>"$LOG-services.log" 2>&1 \
  || { ko "its database and Redis keys reset (see $LOG-services.log)"; exit; }
if ! "$ROOT/mall" up >"$LOG-up.log" 2>&1; then ko "the bench shop starts (see $LOG-up.log)"; exit; fi
export_connection_strings || { ko "connection settings"; exit; }

# One scenario run is one test: it passes only if the CLI exits 0, its report lists no failed check (and at least
# one passed one) and report.md, report.json and a self-contained report.html were written. Every failing check is
# printed under it.
run() { # name, then CLI arguments
  local name=$1; shift
  local report=$OUT/$name problems=() line checks=0
  echo "[bench-smoke] $name: mall bench $*"
  cli "$@" --no-live --report-dir "$report" >"$LOG-$name.log" 2>&1
  local rc=$?
  tail -n 25 "$LOG-$name.log" | sed 's/^/    /'
  [ $rc -eq 0 ] || problems+=("the CLI exited $rc (see $LOG-$name.log)")
  if [ -f "$report/report.md" ]; then
    checks=$(grep -cE '^- ✔' "$report/report.md")
    while IFS= read -r line; do problems+=("check failed: ${line#- ✘ \*\*FAILED\*\* }"); done < <(grep -E '^- ✘' "$report/report.md")
    [ "$checks" -gt 0 ] || [ "${#problems[@]}" -gt 0 ] || problems+=("the report lists no check at all")
  else
    problems+=("no report.md in $report")
  fi
  if ! { [ -f "$report/report.json" ] && [ -f "$report/report.html" ] && ! grep -qE 'src=|href=' "$report/report.html"; }; then
    problems+=("report.json and a self-contained report.html in $report")
  fi
  if [ -f "$report/report.md" ] && ! grep -qE '^## The API process' "$report/report.md"; then
    problems+=("the report states the API's RSS and GC pause (## The API process)")
  elif [ -f "$report/report.md" ] && grep -A3 '^## The API process' "$report/report.md" | grep -qE '^\| — \|'; then
    problems+=("the API's process was not found (no RSS in the report)")
  fi
  if [ ${#problems[@]} -eq 0 ]; then
    ok "$name: the run passes its thresholds, all $checks checks of its report pass, report files written"
  else
    ko "$name: ${#problems[@]} problem(s)"
    for line in "${problems[@]}"; do echo "       - $line"; done
  fi
}

# The scenarios need these routes; a route that is missing (404/405) or answers anything unexpected fails the
# scenario instead of skipping it: a regression must never turn into a skip.
expect_status() { # what, expected statuses (regex), then curl arguments
  local what=$1 want=$2; shift 2
  local got; got=$(curl -s -o /dev/null -w '%{http_code}' "$@")
  [[ $got =~ ^($want)$ ]] && return 0
  ko "$what answered $got (expected $want): ${*: -1}"
  return 1
}

# Anonymous: the admin route must exist and refuse us.
if expect_status "seckill scenario: POST /api/v1/admin/seckill/activities" '401|403' -X POST "$API/api/v1/admin/seckill/activities"; then
  run seckill seckill --shoppers 300 --stock 100 -c 32 --warmup 1 --baseline --baseline-duration 1 --challenge-bits 8 \
    --drain-timeout 20 --max-error-rate 0.01 --max-p99-ms 5000
  # Its shoppers never pay: their orders must not expire into the next measurement of a sitting (bench-all.sh).
  lifetime=$(sale_sql -e "SELECT MIN(TIMESTAMPDIFF(SECOND, created_at, expires_at)) FROM orders WHERE kind = 'seckill'" 2>&1)
  if [[ $lifetime =~ ^[0-9]+$ ]] && [ "$lifetime" -ge 3590 ]; then ok "the sale's unpaid orders live an hour ($lifetime s), past the sitting"
  else ko "the sale's unpaid orders live an hour, past the sitting (shortest: $lifetime s)"; fi
fi

# The abuse check runs sequentially, so the limits must hold exactly.
run login login -c 1 -n 40 --warmup 0 --max-error-rate 0

if expect_status "browse scenario: GET /api/v1/products" '200' "$API/api/v1/products?page=1&pageSize=20"; then
  run browse browse -c 16 -d 3 --warmup 1 --max-error-rate 0.01 --max-p99-ms 5000
fi

# A small order history (seed-orders is one test), then the dashboard and order searches against it: every step must
# answer 200 (no error at all), with a p95 bound loose enough for a busy test machine.
if expect_status "dashboard scenario: GET /api/v1/admin/dashboard" '401|403' "$API/api/v1/admin/dashboard"; then
  if cli seed-orders --orders 3000 --shoppers 300 --products 30 --batch 1000 >"$LOG-seed-orders.log" 2>&1 \
    && grep -q "the database now holds" "$LOG-seed-orders.log"; then
    ok "seed-orders writes an order history"
    run dashboard dashboard -c 4 -d 3 --warmup 1 --max-p95-ms 5000
  else
    ko "seed-orders writes an order history (see $LOG-seed-orders.log)"
  fi
fi

if expect_status "checkout scenario: POST /api/v1/orders" '401|403' -X POST "$API/api/v1/orders"; then
  run checkout checkout --shoppers 40 -c 8 -d 3 --warmup 1 --skus 2 --baseline --baseline-duration 1 --max-error-rate 0.05 --max-p99-ms 5000
fi

# A benchmark that fails must say so. Shoppers whose tokens the shop does not accept — signed with another data dir's
# key, as when the shop on the port is another clone's — get 401 on every request and place no order: exit 1, and
# RESULT: FAILED names both reasons (it once said PASSED with 239,653 × 401 and 0 orders).
stranger=$OUT/stranger
mkdir -p "$stranger/keys"
if openssl genrsa -out "$stranger/keys/jwt-signing.pem" 2048 >/dev/null 2>&1; then
  out=$(cli checkout --data-dir "$stranger" --shoppers 20 -c 4 -d 2 --warmup 0 --no-live --report-dir "$OUT/refused" 2>&1); rc=$?
  echo "$out" >"$LOG-refused.log"
  if [ $rc -eq 1 ] && grep -q "RESULT: FAILED" <<<"$out" && grep -q "✘ error rate ≤ 1.0 % — 100.00 %" <<<"$out" \
    && grep -q "✘ orders placed > 0 — 0 orders placed" <<<"$out" && grep -q "result: \*\*FAILED\*\*" "$OUT/refused/report.md"; then
    ok "a run whose shoppers the shop refuses exits 1 with RESULT: FAILED (error rate, 0 orders placed)"
  else
    ko "a run whose shoppers the shop refuses exits 1 with RESULT: FAILED (rc=$rc, see $LOG-refused.log)"
  fi
else
  ko "a signing key of another data dir (openssl genrsa)"
fi

# ./mall bench measures only the shop its data dir started: a port held by another process (here the CLI's own bare
# baseline server) stops it before any load, non-zero, saying who holds the port.
stray=$((MALL_API_PORT + 7))
while ss -Htln "sport = :$stray" 2>/dev/null | grep -q .; do stray=$((stray + 1)); done
dotnet "$CLI_DLL" baseline-server --port "$stray" --redis "$ConnectionStrings__Redis" --prefix "${MALL_REDIS_PREFIX}stray:" >"$LOG-stray.log" 2>&1 &
STRAY_PID=$!
if wait_http "http://127.0.0.1:$stray/json" 30; then
  out=$(MALL_API_PORT=$stray "$ROOT/mall" bench browse -d 1 --no-live 2>&1); rc=$?
  echo "$out" >"$LOG-port-held.log"
  if [ $rc -ne 0 ] && grep -q "127.0.0.1:$stray is held by pid $STRAY_PID, which this data dir" <<<"$out" && ! grep -q "RESULT:" <<<"$out"; then
    ok "./mall bench stops when the port is held by a process it did not start"
  else
    ko "./mall bench stops when the port is held by a process it did not start (rc=$rc, see $LOG-port-held.log)"
  fi
else
  ko "a stray listener on 127.0.0.1:$stray (see $LOG-stray.log)"
fi
kill "$STRAY_PID" 2>/dev/null; wait "$STRAY_PID" 2>/dev/null; STRAY_PID=
