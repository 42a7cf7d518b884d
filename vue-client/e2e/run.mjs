// Browser tests: headless Chromium (Debian's /usr/bin/chromium via playwright-core) through the real nginx
// against the real API. Run by scripts/test-suites/60-browser.sh, which starts and stops the shop.
//   MALL_WEB_URL  the shop (nginx), e.g. http://127.0.0.1:8180
//   MALL_API_URL  the API directly, for arranging data (admin calls)
//   E2E_ONLY      run only the flows whose name contains this
// Every flow must run: a route it needs that answers 404/405 fails it (a regression is never turned into a skip).
// No fixed sleeps: every wait is for a condition (Playwright's waitFor…, or poll() with a deadline).
// Flows are in e2e/flows/*.mjs, one file per area, loaded in name order; the harness (helpers, runner) in harness.mjs.
import { readdirSync } from 'node:fs'
import { runAll } from './harness.mjs'

const flows = new URL('./flows/', import.meta.url)
for (const file of readdirSync(flows).filter((f) => f.endsWith('.mjs')).sort()) await import(new URL(file, flows))
await runAll()
