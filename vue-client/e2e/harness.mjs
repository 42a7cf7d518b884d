// Browser tests' harness: headless Chromium (Debian's /usr/bin/chromium via playwright-core) through the real nginx
// against the real API. Flows live in e2e/flows/*.mjs (one file per area, run in name order); run.mjs runs them all.
//   MALL_WEB_URL  the shop (nginx), e.g. http://127.0.0.1:8180
//   MALL_API_URL  the API directly, for arranging data (admin calls)
// Every flow must run: a route it needs that answers 404/405 fails it (a regression is never turned into a skip).
// No fixed sleeps: every wait is for a condition (Playwright's waitFor…, or poll() below with a deadline).
// Screenshots of key pages go to test-results/ on every run; a failure also keeps its console log.
import { chromium } from 'playwright-core'
import { createHash } from 'node:crypto'
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const web = process.env.MALL_WEB_URL ?? 'http://127.0.0.1:8180'
export const apiBase = process.env.MALL_API_URL ?? 'http://127.0.0.1:5180'
export const adminAccount = 'admin@mall.local'
export const adminPassword = process.env.MALL_ADMIN_PASSWORD ?? 'Admin#2026'
export const out = new URL('../test-results/', import.meta.url).pathname
export const only = process.env.E2E_ONLY
rmSync(out, { recursive: true, force: true })
mkdirSync(out, { recursive: true })

export const results = { passed: 0, failed: 0, skipped: 0 }
export const tests = []
export const test = (name, fn) => tests.push({ name, fn })
export const slug = (s) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')
export const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`
export const password = 'Correct-horse-42'

export function assert(condition, message) {
  if (!condition) throw new Error(message)
}

/**
 * Calls fn until it returns a truthy value and returns that value (expect.poll-style): every `intervalMs`, for at
 * most `timeoutMs`, then fails naming `message`. The pause between two tries is the only timer: never a fixed sleep.
 */
export async function poll(fn, { timeoutMs = 15_000, intervalMs = 250, message = 'a condition' } = {}) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await fn()
    if (value) return value
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${message}`)
    await new Promise((r) => setTimeout(r, intervalMs))
  }
}

// ---------- direct API helpers (arranging data, never asserting UI) ----------
export async function call(method, path, { token, body, headers = {} } = {}) {
  const res = await fetch(apiBase + path, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  let json = null
  try {
    json = text ? JSON.parse(text) : null
  } catch {
    json = text
  }
  return { status: res.status, json }
}

/** Fails the current test when an endpoint the flow needs is missing from this build of the API (404/405). */
export async function need(method, path, what, token) {
  const { status } = await call(method, path, { token, body: method === 'GET' ? undefined : {} })
  assert(status !== 404 && status !== 405, `${what} is missing from the API (${method} ${path} answered ${status})`)
}

export async function nativeLogin(account, pw) {
  const r = await call('POST', '/api/v1/auth/login', { body: { account, password: pw, client: 'native' } })
  assert(r.status === 200, `login of ${account} answered ${r.status}: ${JSON.stringify(r.json)}`)
  return r.json.accessToken
}

/** What a client does on 428 challenge_required: get a challenge and search for its answer (the Mall-Challenge value). */
export async function solvedChallenge(purpose, activityId) {
  const issued = await call('POST', '/api/v1/challenges', { body: { purpose, activityId } })
  assert(issued.status === 200, `POST /challenges answered ${issued.status}: ${JSON.stringify(issued.json)}`)
  const { challengeId, difficulty } = issued.json
  for (let solution = 0; ; solution++) {
    const hash = createHash('sha256').update(`${challengeId}:${solution}`).digest()
    let bits = 0
    for (const byte of hash) {
      if (byte === 0) { bits += 8; continue }
      bits += Math.clz32(byte) - 24
      break
    }
    if (bits >= difficulty) return `${challengeId}:${solution}`
  }
}

/** A registered shopper; past a few registrations from this address the API asks each for proof of work, and pays it. */
export async function newShopper() {
  const account = `e2e-${unique()}@example.com`
  const body = { account, password, nickname: `测试${account.slice(4, 9)}` }
  let r = await call('POST', '/api/v1/auth/register', { body })
  if (r.status === 428) {
    assert(r.json?.code === 'challenge_required', `428 without challenge_required: ${JSON.stringify(r.json)}`)
    r = await call('POST', '/api/v1/auth/register', { body, headers: { 'mall-challenge': await solvedChallenge('register') } })
  }
  assert(r.status === 201, `register answered ${r.status}: ${JSON.stringify(r.json)}`)
  return account
}

export async function serverNow() {
  const r = await call('GET', '/api/v1/time')
  return r.status === 200 ? r.json.serverTimeMs : Date.now()
}

/** A SKU to sell: the first product of the catalog with a SKU in stock. */
export async function someSku() {
  const list = await call('GET', '/api/v1/products?page=1&pageSize=20')
  assert(list.status === 200, `GET /products answered ${list.status}`)
  for (const p of list.json.items ?? []) {
    const detail = await call('GET', `/api/v1/products/${p.id}`)
    const sku = (detail.json?.skus ?? []).find((s) => (s.available ?? s.availableStock ?? s.stock ?? 0) > 2)
    if (sku) return { product: detail.json, sku }
  }
  throw new Error('the catalog has no SKU in stock (is demo data seeded?)')
}

export async function createActivity(adminToken, { startsInMs, stock, title, challengeBits = 0 }) {
  const { sku } = await someSku()
  const now = await serverNow()
  const created = await call('POST', '/api/v1/admin/seckill/activities', {
    token: adminToken,
    body: {
      skuId: sku.id, title, priceCents: 1, stock, limitPerUser: 1,
      startsAt: new Date(now + startsInMs).toISOString(), endsAt: new Date(now + 30 * 60_000).toISOString(), challengeBits,
    },
  })
  assert(created.status === 201, `create activity answered ${created.status}: ${JSON.stringify(created.json)}`)
  const published = await call('POST', `/api/v1/admin/seckill/activities/${created.json.id}/publish`, { token: adminToken })
  assert(published.status === 200 || published.status === 204, `publish answered ${published.status}`)
  return { id: created.json.id, startsAt: now + startsInMs }
}

// ---------- browser helpers ----------
export let context
export const consoleLines = []
export const cspViolations = []

export async function openPage() {
  const page = await context.newPage()
  page.setDefaultTimeout(15_000)
  page.on('console', (m) => {
    consoleLines.push(`[${m.type()}] ${m.text()}`)
    if (/Content Security Policy|Refused to/i.test(m.text())) cspViolations.push(m.text())
  })
  page.on('pageerror', (e) => consoleLines.push(`[pageerror] ${e.message}`))
  page.on('response', (r) => {
    if (r.status() >= 400) consoleLines.push(`[response] ${r.status()} ${r.request().method()} ${r.url()}`)
  })
  page.on('requestfailed', (r) => consoleLines.push(`[requestfailed] ${r.method()} ${r.url()} ${r.failure()?.errorText ?? ''}`))
  return page
}

export let shotNo = 0
export async function shot(page, name) {
  await page.screenshot({ path: join(out, `${String(++shotNo).padStart(2, '0')}-${name}.png`), fullPage: true })
}

export async function uiLogin(page, account, pw = password) {
  await page.goto(`${web}/login`)
  await page.fill('input[name=account]', account)
  await page.fill('input[name=password]', pw)
  // The API's answer first: a failure then names the status and problem instead of a bare navigation timeout.
  const answered = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login') && r.request().method() === 'POST')
  await page.click('[data-test=login-submit]')
  const response = await answered
  assert(response.status() === 200, `signing in ${account} answered ${response.status()}: ${await response.text().catch(() => '')}`)
  await page.waitForURL((u) => !u.pathname.startsWith('/login'))
  await page.waitForSelector('[data-test=who]')
}

/** Pays an order through the sandbox gateway, whichever provider offers a usable sandbox page. */
export async function payInSandbox(page, orderNo) {
  await page.goto(`${web}/pay/${orderNo}`)
  await page.waitForSelector('[data-test=pay-start], [data-test=error]')
  if (await page.isVisible('[data-test=error]')) throw new Error(`the payment page for ${orderNo} shows an error: ${await page.textContent('[data-test=error]')}`)
  await shot(page, 'pay')
  for (const provider of ['wechatpay', 'alipay']) {
    await page.goto(`${web}/pay/${orderNo}`)
    await page.click(`[data-test=provider-${provider}]`)
    const started = page.waitForResponse((r) => r.url().includes(`/api/v1/orders/${orderNo}/payments`) && r.request().method() === 'POST')
    await page.click('[data-test=pay-start]')
    const response = await started
    assert(response.status() === 201 || response.status() === 200, `starting a ${provider} payment answered ${response.status()}: ${await response.text()}`)
    const body = await response.json()
    if (provider === 'wechatpay' && body.codeUrl) {
      await page.waitForSelector('[data-test=pay-qr]')
      await shot(page, 'pay-wechat-qr')
    }
    const sandboxUrl = [body.codeUrl, body.redirectUrl].find((u) => typeof u === 'string' && u.includes('/sandbox/'))
    if (!sandboxUrl) continue
    await page.goto(new URL(sandboxUrl, web).toString())
    await shot(page, `sandbox-${provider}`)
    await page.click('#sandbox-confirm-pay, button[type=submit]')
    await page.waitForSelector('[data-testid=sandbox-result]').catch(() => undefined)
    await page.waitForLoadState('networkidle').catch(() => undefined)
    await page.goto(`${web}/orders/${orderNo}`)
    await page.waitForSelector('[data-test=order-status][data-status=Paid]', { timeout: 30_000 })
    return
  }
  throw new Error(`no provider returned a sandbox URL for order ${orderNo}`)
}

// ---------- runner ----------
/** The messages a failed page shows (form errors, problems, toasts), for the failure report. */
async function pageSays(page) {
  const texts = await page.locator('[data-test=form-error], [data-test=error], .van-field__error-message, .van-toast, .el-message')
    .allTextContents().catch(() => [])
  return texts.map((t) => t.trim()).filter(Boolean).join(' | ') || '(no error shown)'
}

/** Launches Chromium, runs every registered flow (E2E_ONLY: those whose name contains it) and exits 0 only if all passed. */
export async function runAll() {
  const profile = mkdtempSync(join(tmpdir(), 'mall-e2e-'))
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 860 },
    locale: 'zh-CN',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  try {
    for (const { name, fn } of tests) {
      if (only && !name.includes(only)) continue
      consoleLines.length = 0
      const started = Date.now()
      try {
        await fn()
        results.passed++
        console.log(`PASS  ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`)
        // A page a flow leaves open keeps its session going: when its refresh later fails (the flow's cookies are
        // gone), it signs out and tells every tab of the profile (BroadcastChannel), the next flow's included.
        for (const p of context.pages()) await p.close().catch(() => undefined)
      } catch (e) {
        let n = 0
        for (const p of context.pages()) await p.screenshot({ path: join(out, `FAILED-${slug(name)}-${++n}.png`), fullPage: true }).catch(() => undefined)
        // CI keeps only what is printed: where each page was, what it said, and the end of the console.
        const where = []
        for (const p of context.pages()) where.push(`      page at ${p.url()}: ${await pageSays(p)}`)
        for (const p of context.pages()) await p.close().catch(() => undefined)
        await context.clearCookies()
        results.failed++
        console.log(`FAIL  ${name}: ${e.stack ?? e}`)
        for (const line of [...where, ...consoleLines.slice(-20).map((l) => `      ${l}`)]) console.log(line)
        writeFileSync(join(out, `FAILED-${slug(name)}.console.log`), consoleLines.join('\n') + '\n')
      }
    }
  } finally {
    await context.close()
    rmSync(profile, { recursive: true, force: true })
  }
  console.log(`${results.passed} passed, ${results.failed} failed, ${results.skipped} skipped`)
  process.exit(results.failed ? 1 : 0)
}

// ---------- accessibility (axe-core) and shared form helpers ----------
const axeSource = readFileSync(new URL('../node_modules/axe-core/axe.min.js', import.meta.url), 'utf8')

/**
 * Runs axe-core in the page and fails on any serious or critical violation (WCAG 2.1 A/AA and axe's best practices).
 * The shop's CSP allows only its own scripts (no inline, no eval), so axe is not added as a page script: Playwright
 * evaluates its source through the DevTools protocol, which the page's CSP does not govern. Returns every violation,
 * minor ones included, for a flow that wants to look further.
 */
export async function axe(page, label, { exclude = [] } = {}) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(`${axeSource}\n;undefined`)
  const violations = await page.evaluate(async (exclude) => {
    const result = await window.axe.run({ exclude: exclude.map((s) => [s]) }, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
    })
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')} — ${n.failureSummary?.split('\n').slice(0, 2).join(' ')}`) }))
  }, exclude)
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  if (bad.length) {
    await shot(page, `axe-${slug(label)}`)
    throw new Error(`axe on ${label}: ${bad.length} serious/critical violation(s):\n` +
      bad.map((v) => `  [${v.impact}] ${v.id}: ${v.help}\n${v.nodes.map((n) => `      ${n}`).join('\n')}`).join('\n'))
  }
  return violations
}

/** Picks province / city / district in an address form's region picker (Vant Cascader over @vant/area-data), by name. */
export async function pickRegion(page, province, city, district) {
  await page.click('[data-test=address-form] [data-test=region]')
  const picker = page.locator('[data-test=area-picker]')
  await picker.waitFor()
  // One tab per level; the tabs slide, so each level's list is found by its place, not by being visible. A picker
  // opened on a saved region shows its last level: go back to the first.
  await picker.locator('[role=tab]').first().click()
  for (const [level, name] of [province, city, district].entries()) {
    const list = picker.locator('.van-cascader__options').nth(level)
    await list.waitFor()
    await list.locator('.van-cascader__option', { hasText: name }).filter({ hasText: new RegExp(`^\\s*${name}\\s*$`) }).first().click()
  }
  await poll(async () => (await page.inputValue('[data-test=address-form] input[name=region]')).includes(district), { message: 'the region to be filled in' })
}

/**
 * nativeLogin that pays the login challenge when the address is past its threshold (99-edge's flow puts 127.0.0.1
 * there, and flows loaded after it still have to sign in).
 */
export async function nativeLoginSolving(account, pw) {
  const body = { account, password: pw, client: 'native' }
  let r = await call('POST', '/api/v1/auth/login', { body })
  if (r.status === 428) r = await call('POST', '/api/v1/auth/login', { body, headers: { 'mall-challenge': await solvedChallenge('login') } })
  assert(r.status === 200, `login of ${account} answered ${r.status}: ${JSON.stringify(r.json)}`)
  return r.json.accessToken
}
