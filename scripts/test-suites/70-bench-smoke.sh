#!/usr/bin/env bash
# Smoke run of the load-test CLI (Mall.LoadTests) so it never rots: a shop of its own (API 5280, web 8280, or
# MALL_BENCH_API_PORT / MALL_BENCH_WEB_PORT; database mall_bench, Redis prefix bench:), a few seconds of load with
# loose thresholds: the seckill invariants, the login abuse check, browse, and the dashboard over a small seeded order
# history. Every scenario must be there: an API that answers 404/405 (or anything unexpected) where a scenario needs it
# fails, it is never skipped. Stops only that shop (./mall stop), never the shared MariaDB/Redis. Last line:
# "N passed, N failed, N skipped".
# What counts: the two argument-handling checks, seed-orders, and one test per scenario run, which passes only if the
# run exits 0, every check line of its report is ✔ and its three report files are there (the failing checks are printed).
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export MALL_DATA_DIR=${MALL_DATA_DIR:-$ROOT/.mall}
export MALL_API_PORT=${MALL_BENCH_API_PORT:-5280} MALL_WEB_PORT=${MALL_BENCH_WEB_PORT:-8280}
export MALL_DB_NAME=${MALL_BENCH_DB_NAME:-mall_bench} MALL_REDIS_PREFIX=${MALL_BENCH_REDIS_PREFIX:-bench:}
MALL_TAG=bench-smoke
. "$ROOT/scripts/lib.sh"
API=http://127.0.0.1:$MALL_API_PORT
CLI_DLL=$ROOT/Mall.LoadTests/bin/Release/net10.0/Mall.LoadTests.dll
OUT=$MALL_DATA_DIR/bench-smoke
LOG=$MALL_DATA_DIR/logs/bench-smoke
passed=0 failed=0 skipped=0

ok() { passed=$((passed + 1)); echo "  PASS $*"; }
ko() { failed=$((failed + 1)); echo "  FAIL $*"; }
finish() {
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
