#!/usr/bin/env bash
# Vue client: type check + Vitest unit tests (stores, single-flight refresh, server-clock countdown, seckill button).
# Installs its own dependencies (npm ci) when missing or out of date. Last line: "N passed, N failed".
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT/vue-client" || { echo "0 passed, 1 failed"; exit 1; }

# npm ci again only when the lock file changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error || { echo "npm ci failed"; echo "0 passed, 1 failed"; exit 1; }
fi

passed=0 failed=0
if npx --no-install vue-tsc --noEmit -p tsconfig.app.json; then
  echo "typecheck: ok"; passed=$((passed + 1))
else
  echo "typecheck: FAILED"; failed=$((failed + 1))
fi

report=$(mktemp)
npx --no-install vitest run --reporter=default --reporter=json --outputFile="$report"
rc=$?
if [ -s "$report" ]; then
  read -r p f < <(node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")); console.log(r.numPassedTests, r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0))' "$report")
  passed=$((passed + p)); failed=$((failed + f))
fi
[ "$rc" -eq 0 ] || [ "$failed" -gt 0 ] || failed=$((failed + 1))
rm -f "$report"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
