#!/usr/bin/env bash
# Reproduces every table of docs/benchmarks.md in one command, each run with its same-run baselines:
#   scripts/bench-all.sh [report-folder]
# Uses a shop of its own (API 5380, web 8380, database mall_benchall, Redis prefix benchall:) started by
# ./mall bench if it is not running, and stopped at the end (./mall stop: MariaDB and Redis keep running).
# Override MALL_API_PORT / MALL_WEB_PORT / MALL_DB_NAME / MALL_REDIS_PREFIX to measure another local shop.
# Takes about 7 minutes (14 the first time: seeding the dashboard's million orders). Run it on a quiet machine: other builds on the same cores move every figure.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export MALL_DATA_DIR=${MALL_DATA_DIR:-$ROOT/.mall}
export MALL_API_PORT=${MALL_API_PORT:-5380} MALL_WEB_PORT=${MALL_WEB_PORT:-8380}
export MALL_DB_NAME=${MALL_DB_NAME:-mall_benchall} MALL_REDIS_PREFIX=${MALL_REDIS_PREFIX:-benchall:}
OUT=${1:-$MALL_DATA_DIR/bench-all/$(date -u +%Y%m%d-%H%M%S)}
STARTED_SHOP=0
mkdir -p "$OUT"

if ! curl -fsS -o /dev/null "http://127.0.0.1:$MALL_API_PORT/health/live" 2>/dev/null; then
  STARTED_SHOP=1
  # Its own shop starts from an empty database and key prefix (only its own: mall_benchall, benchall:).
  if [ "$MALL_DB_NAME" = mall_benchall ]; then
    "$ROOT/scripts/services.sh" up >/dev/null && "$ROOT/scripts/services.sh" reset >/dev/null
  fi
fi
# Redis rewrites its AOF on its own whenever the file has doubled: a forked child that takes most of a core for about a
# second, at a random moment of whichever measurement is running (the bare Lua endpoint dropped from ~28,000 to
# ~13,000 calls/s for two seconds at a time). The script compacts the AOF before each scenario instead and turns the
# automatic rewrite off until it ends; MariaDB and Redis keep their settings otherwise.
AOF_AUTO=$("$ROOT/scripts/services.sh" aof-auto 0)
cleanup() {
  "$ROOT/scripts/services.sh" aof-auto "$AOF_AUTO" >/dev/null 2>&1 || true
  if [ "$STARTED_SHOP" = 1 ]; then "$ROOT/mall" stop >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

status=0
bench() { # name, then arguments
  local name=$1; shift
  echo "== $name: ./mall bench $*"
  "$ROOT/scripts/services.sh" aof-rewrite
  "$ROOT/mall" bench "$@" --no-live --report-dir "$OUT/$name" || status=1
}

{
  echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)"
  echo ".NET: $(dotnet --version)"
  echo "Redis: $(redis-server --version | sed -E 's/.*v=([^ ]+).*/\1/')"
  echo "MariaDB: $(mariadbd --version 2>/dev/null || /usr/sbin/mariadbd --version)"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT/machine.txt"

# Warm-up passes of the same scenarios, not recorded: a freshly started API spends a tenth of its CPU in the JIT
# (tiered compilation) for its first minute, and the CLI's own --warmup only exercises the read steps. Two seckill
# passes: the shop's /metrics showed 19,500 methods jitted after the first, 24,000 after the second (3.4 s of JIT
# time in between) and 24,300 after a third, so the recorded run meets the steady state a long-running shop is in.
bench warmup-seckill seckill --shoppers 20000 --stock 20000 -c 256 --warmup 3 -d 120 --drain-timeout 60
bench warmup-seckill-2 seckill --shoppers 20000 --stock 20000 -c 256 --warmup 3 -d 120 --drain-timeout 60
bench warmup-browse browse -c 256 -d 10 --warmup 3

# The seckill burst at 256 connections: 60,000 shoppers for 60,000 units (every attempt runs the full Lua script and
# becomes an order), token phase then attempt phase.
bench seckill seckill --shoppers 60000 --stock 60000 -c 256 --warmup 3 -d 120 --baseline --baseline-duration 8 --drain-timeout 60
# The cached read path at 256 connections.
bench browse browse -c 256 -d 15 --warmup 3 --baseline --baseline-duration 8
# Normal checkout (MySQL stock locking on one hot SKU).
bench checkout checkout --shoppers 500 -c 64 -d 15 --warmup 3 --baseline --baseline-duration 8
# The login throttle under concurrent guessing (abuse check).
bench login login -c 8 -n 300 --warmup 0

# The operators' reads on a big shop: the order history topped up to 1,000,000 orders over 30 days (written once, about
# six minutes on this machine; later runs find it there and add nothing), then the dashboard and the admin order
# searches, each query shape a step that must keep its p95 within 200 ms.
echo "== seed-orders: ./mall bench seed-orders --orders 1000000"
"$ROOT/mall" bench seed-orders --orders 1000000 || status=1
bench dashboard dashboard -c 4 -d 30 --warmup 5

# The drain from a true backlog: the same sale against a shop whose order writer is off, so all 60,000 reservations
# wait in the Redis log; recovery (the crash path) then writes them. "first → last row" is the drain rate.
if [ "$STARTED_SHOP" = 1 ]; then
  "$ROOT/mall" stop >/dev/null
  Seckill__Writer__Enabled=false "$ROOT/mall" up >"$MALL_DATA_DIR/logs/bench-backlog-up.log" 2>&1 \
    || { tail -n 20 "$MALL_DATA_DIR/logs/bench-backlog-up.log"; exit 1; }
  bench seckill-backlog seckill --shoppers 60000 --stock 60000 -c 256 --warmup 3 -d 120 --drain-timeout 120
else
  echo "== seckill-backlog: skipped (it restarts the API with the writer off; only done on the shop this script starts)"
fi

for name in seckill browse checkout login dashboard seckill-backlog; do if [ -f "$OUT/$name/report.md" ]; then cat "$OUT/$name/report.md"; fi; done >"$OUT/all.md"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/machine.txt"
echo "reports: $OUT (all.md has every table)"
exit $status
