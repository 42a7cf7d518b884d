#!/usr/bin/env bash
# The shopper's first load stays small and free of the operator console: builds the SPA (vite build) and runs
# vue-client/scripts/bundle-budget.mjs, which measures the shopper home's first load (JS + CSS, gzip as nginx sends
# it) against its budget (BUNDLE_BUDGET_KB, default 120) and fails when Element Plus or console code is in it.
# Installs its own dependencies (npm ci) when missing or out of date. Last line: "N passed, N failed".
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
MALL_TAG=bundle-budget
. "$ROOT/scripts/lib.sh"
cd "$ROOT/vue-client" || { echo "0 passed, 1 failed"; exit 1; }

npm_ci_if_stale "$ROOT/vue-client" || { echo "npm ci failed"; echo "0 passed, 1 failed"; exit 1; }

# The build writes the chunk graph the budget reads; a failed build leaves none (never last build's numbers).
rm -f .bundle-graph.json
log=$(mktemp)
if ! npx --no-install vite build >"$log" 2>&1; then
  tail -n 30 "$log"; rm -f "$log"
  echo "FAIL  the SPA builds (vite build)"
  echo "0 passed, 1 failed"; exit 1
fi
rm -f "$log"

out=$(mktemp)
node scripts/bundle-budget.mjs | tee "$out"
rc=${PIPESTATUS[0]}
# The script prints its own closing line; a crash before it must still count as a failure.
if ! grep -qE '^[0-9]+ passed, [0-9]+ failed' "$out"; then echo "0 passed, 1 failed"; rc=1; fi
rm -f "$out"
exit "$rc"
