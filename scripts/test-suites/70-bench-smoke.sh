#!/usr/bin/env bash
# Smoke run of the load-test CLI (Mall.LoadTests) so it never rots: a shop of its own (API 5280, web 8280,
# database mall_bench, Redis prefix bench:), a few seconds of load with loose thresholds, the seckill invariants
# when the seckill API exists (else the login abuse check and browse, and it says so). Stops only that shop
# (./mall stop), never the shared MariaDB/Redis. Last line: "N passed, N failed, N skipped".
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export MALL_DATA_DIR=${MALL_DATA_DIR:-$ROOT/.mall}
export MALL_API_PORT=5280 MALL_WEB_PORT=8280 MALL_DB_NAME=mall_bench MALL_REDIS_PREFIX=bench:
API=http://127.0.0.1:$MALL_API_PORT
CLI_DLL=$ROOT/Mall.LoadTests/bin/Release/net10.0/Mall.LoadTests.dll
OUT=$MALL_DATA_DIR/bench-smoke
LOG=$MALL_DATA_DIR/logs/bench-smoke
passed=0 failed=0 skipped=0

ok() { passed=$((passed + 1)); echo "  PASS $*"; }
ko() { failed=$((failed + 1)); echo "  FAIL $*"; }
skip() { skipped=$((skipped + 1)); echo "  SKIP $*"; }
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
eval "$("$ROOT/scripts/services.sh" env)"

# Every check line of a report ("- ✔ …" / "- ✘ …") counts as one test.
count_checks() {
  local report=$1
  [ -f "$report/report.md" ] || { ko "report written to $report"; return; }
  while IFS= read -r line; do ok "${line#- ✔ }"; done < <(grep -E '^- ✔' "$report/report.md")
  while IFS= read -r line; do ko "${line#- ✘ \*\*FAILED\*\* }"; done < <(grep -E '^- ✘' "$report/report.md")
  if [ -f "$report/report.json" ] && [ -f "$report/report.html" ] && ! grep -qE 'src=|href=' "$report/report.html"; then
    ok "report.md, report.json and a self-contained report.html in $report"
  else ko "report.md, report.json and a self-contained report.html in $report"; fi
}

run() { # name, then CLI arguments
  local name=$1; shift
  echo "[bench-smoke] $name: mall bench $*"
  cli "$@" --no-live --report-dir "$OUT/$name" >"$LOG-$name.log" 2>&1
  local rc=$?
  tail -n 25 "$LOG-$name.log" | sed 's/^/    /'
  if [ $rc -eq 0 ]; then ok "$name run passes its thresholds and checks"; else ko "$name run (exit $rc; see $LOG-$name.log)"; fi
  count_checks "$OUT/$name"
}

seckill_status=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$API/api/v1/admin/seckill/activities")
if [ "$seckill_status" = 401 ] || [ "$seckill_status" = 403 ]; then
  run seckill seckill --shoppers 300 --stock 100 -c 32 --warmup 1 --baseline --baseline-duration 1 \
    --drain-timeout 20 --max-error-rate 0.01 --max-p99-ms 5000
else
  skip "seckill scenario: the seckill API is not in this build (POST /api/v1/admin/seckill/activities answered $seckill_status); ran login/browse instead"
fi

# The abuse check runs sequentially, so the limits must hold exactly.
run login login -c 1 -n 40 --warmup 0 --max-error-rate 0

if [ "$(curl -s -o /dev/null -w '%{http_code}' "$API/api/v1/products?page=1&pageSize=20")" = 200 ]; then
  run browse browse -c 16 -d 3 --warmup 1 --max-error-rate 0.01 --max-p99-ms 5000
else
  skip "browse scenario: the catalog API is not in this build"
fi
