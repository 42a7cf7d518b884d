#!/usr/bin/env bash
# Vue client: type check + Vitest unit tests (stores, single-flight refresh, server-clock countdown, seckill button).
# Installs its own dependencies (npm ci) when missing or out of date. Last line: "N passed, N failed".
# Only Vitest's tests count as tests. The type check is a gate, not a test: passing adds nothing to the count; failing
# fails the suite (exit 1) and shows as one failure, so the closing line of ./mall test cannot look green.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
MALL_TAG=vue-unit
. "$ROOT/scripts/lib.sh"
cd "$ROOT/vue-client" || { echo "0 passed, 1 failed"; exit 1; }

npm_ci_if_stale "$ROOT/vue-client" || { echo "npm ci failed"; echo "0 passed, 1 failed"; exit 1; }

passed=0 failed=0 gate_failed=0
if npx --no-install vue-tsc --noEmit -p tsconfig.app.json; then
  echo "typecheck: ok (a gate, not counted as a test)"
else
  echo "typecheck: FAILED (fails the suite)"; gate_failed=1; failed=$((failed + 1))
fi

report=$(mktemp)
npx --no-install vitest run --reporter=default --reporter=json --outputFile="$report"
rc=$?
if [ -s "$report" ]; then
  read -r p f < <(node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")); console.log(r.numPassedTests, r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0))' "$report")
  passed=$((passed + p)); failed=$((failed + f))
fi
# Vitest failed without a failing test to show for it (no report, a crash): one failure, so it cannot pass.
[ "$rc" -eq 0 ] || [ "$((failed - gate_failed))" -gt 0 ] || failed=$((failed + 1))
rm -f "$report"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
