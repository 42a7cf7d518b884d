#!/usr/bin/env bash
# Monitoring, for real: the alert rules pass `promtool check rules` and their unit tests (`promtool test rules`), the
# compose scrape config passes `promtool check config`, every metric the Grafana dashboard and the rules name is one the
# API serves, and Debian's Prometheus scrapes a running API (its own, on 127.0.0.1:5380, database mall_prom), loads the
# rules and reads the shop's series. Installs prometheus where missing. Last line: "N passed, N failed, N skipped".
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export MALL_DATA_DIR=${MALL_DATA_DIR:-$ROOT/.mall}
export MALL_DB_NAME=${MALL_PROM_DB_NAME:-mall_prom} MALL_REDIS_PREFIX=${MALL_PROM_REDIS_PREFIX:-prom:}
API_PORT=${MALL_PROM_API_PORT:-5380} PROM_PORT=${MALL_PROM_PORT:-9390}
MALL_TAG=prometheus
. "$ROOT/scripts/lib.sh"
passed=0 failed=0 skipped=0
ok() { echo "PASS  $*"; passed=$((passed + 1)); }
bad() { echo "FAIL  $*"; failed=$((failed + 1)); }
WORK=$(mktemp -d)
API_PID="" PROM_PID=""
cleanup() {
  [ -n "$PROM_PID" ] && kill "$PROM_PID" 2>/dev/null
  [ -n "$API_PID" ] && kill "$API_PID" 2>/dev/null
  wait 2>/dev/null
  rm -rf "$WORK"
}
finish() { cleanup; echo "$passed passed, $failed failed, $skipped skipped"; [ "$failed" -eq 0 ]; exit $?; }

have promtool && have prometheus || apt_install prometheus || { bad "apt-get install prometheus"; finish; }
RULES=$ROOT/docker/prometheus

out=$(promtool check rules "$RULES/alerts.yml" 2>&1) && ok "promtool check rules docker/prometheus/alerts.yml" || { echo "$out"; bad "promtool check rules"; }
out=$(cd "$RULES" && promtool test rules alerts.test.yml 2>&1) && ok "promtool test rules: every alert fires on its pattern and not on a healthy shop" || { echo "$out"; bad "promtool test rules"; }
out=$(promtool check config "$RULES/prometheus.yml" 2>&1) && ok "promtool check config docker/prometheus/prometheus.yml (the compose scrape config)" || { echo "$out"; bad "promtool check config"; }

# A running API of our own (the solution was built by ./mall test; build it here when run alone).
API_DLL=$ROOT/Mall.Api/bin/Release/net10.0/Mall.Api.dll
[ -f "$API_DLL" ] || dotnet build "$ROOT/Mall.Api/Mall.Api.csproj" -c Release -nologo -v quiet >"$WORK/build.log" 2>&1 || { bad "API build"; finish; }
"$ROOT/scripts/services.sh" up >/dev/null && "$ROOT/scripts/services.sh" reset >/dev/null || { bad "services up/reset"; finish; }
export_connection_strings || { bad "connection settings"; finish; }
( cd "$ROOT/Mall.Api" && exec env ASPNETCORE_ENVIRONMENT=Development ASPNETCORE_URLS="http://127.0.0.1:$API_PORT" \
    Mall__DataDir="$WORK" Mall__AdminPassword='Prom#2026!' Mall__SeedDemoData=true Redis__KeyPrefix="$MALL_REDIS_PREFIX" \
    dotnet "$API_DLL" ) >"$WORK/api.log" 2>&1 &
API_PID=$!
if wait_http "http://127.0.0.1:$API_PORT/health/ready" 120; then ok "the API of this suite is ready on 127.0.0.1:$API_PORT"
else tail -20 "$WORK/api.log"; bad "the API did not become ready"; finish; fi
# Some traffic, so the HTTP series exist (a 200 and a 404).
curl -fsS -o /dev/null "http://127.0.0.1:$API_PORT/api/v1/categories"
curl -sS -o /dev/null "http://127.0.0.1:$API_PORT/api/v1/products/999999999"
curl -fsS "http://127.0.0.1:$API_PORT/metrics" >"$WORK/metrics.txt" || bad "GET /metrics"

# Every metric the dashboard and the rules name is served (a renamed metric would leave a panel or an alert blind).
names=$( { python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
for p in d["panels"]:
  for t in p.get("targets",[]): print(t["expr"])' "$ROOT/docker/grafana/dashboards/mall.json"; grep -E '^\s+expr:|^\s{12}' "$RULES/alerts.yml"; } \
  | grep -oE '\b(mall|http)_[a-z_]+' | sed -E 's/_(bucket|count|sum)$//' | sort -u)
missing=()
for name in $names; do grep -qE "^# (HELP|TYPE) $name " "$WORK/metrics.txt" || missing+=("$name"); done
if [ ${#missing[@]} -eq 0 ]; then ok "every metric the dashboard and the alert rules name is served ($(wc -w <<<"$names") names)"
else bad "named but not served: ${missing[*]}"; fi

# Debian's Prometheus scrapes this API with the shop's rules loaded.
cp "$RULES/alerts.yml" "$WORK/alerts.yml"
cat >"$WORK/prometheus.yml" <<YAML
global: {scrape_interval: 1s, evaluation_interval: 1s}
rule_files: [alerts.yml]
scrape_configs:
  - job_name: mall-api
    static_configs: [{targets: ["127.0.0.1:$API_PORT"]}]
YAML
prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/tsdb" --web.listen-address="127.0.0.1:$PROM_PORT" \
  >"$WORK/prometheus.log" 2>&1 &
PROM_PID=$!
query() { curl -fsS --get "http://127.0.0.1:$PROM_PORT/api/v1/query" --data-urlencode "query=$1"; }
deadline=$((SECONDS + 60)) scraped=""
until [ $SECONDS -ge $deadline ]; do
  scraped=$(query 'up{job="mall-api"}' 2>/dev/null) && grep -q '"value":\[[0-9.]*,"1"\]' <<<"$scraped" && break
  scraped=""; sleep 0.5
done
if [ -n "$scraped" ]; then ok "Prometheus scrapes the API: up{job=\"mall-api\"} = 1"; else tail -5 "$WORK/prometheus.log"; bad "Prometheus never saw the API up"; finish; fi
series=""
deadline=$((SECONDS + 30))
until [ $SECONDS -ge $deadline ]; do
  series=$(query 'sum by (code) (http_request_duration_seconds_count{job="mall-api"})' 2>/dev/null) && grep -q '"code":"404"' <<<"$series" && break
  series=""; sleep 0.5
done
[ -n "$series" ] && ok "the shop's HTTP series reach Prometheus, 404 counted under its code" || bad "no HTTP series by code in Prometheus"
rules=$(curl -fsS "http://127.0.0.1:$PROM_PORT/api/v1/rules" 2>/dev/null)
loaded=$(grep -o '"type":"alerting"' <<<"$rules" | wc -l)
if [ "$loaded" -eq "$(grep -c -- '- alert:' "$RULES/alerts.yml")" ] && ! grep -q '"health":"err"' <<<"$rules"; then
  ok "Prometheus loaded all $loaded alert rules and evaluates them without error"
else bad "alert rules loaded: $loaded, or one evaluates with an error"; fi
firing=$(curl -fsS "http://127.0.0.1:$PROM_PORT/api/v1/alerts" 2>/dev/null | grep -o '"alertname":"[A-Za-z]*"' | sort -u | paste -sd, -)
[ -z "$firing" ] && ok "a healthy shop fires no alert" || bad "alerts on a healthy shop: $firing"
finish
