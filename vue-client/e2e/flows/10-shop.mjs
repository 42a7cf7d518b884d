// Shopper flows: rendering, language, sign-in, cart to paid order, SKU picker, seckill.
import {
  web, adminAccount, adminPassword, out, only, test, unique, password, assert, poll, call, need, nativeLogin, newShopper, someSku, createActivity, context, cspViolations, openPage, shot, uiLogin, payInSandbox, pickRegion,
} from '../harness.mjs'

// ---------- the flows ----------
test('the shop renders through nginx with its security headers and no CSP violation', async () => {
  const res = await fetch(`${web}/products/does-not-matter`)
  assert(res.status === 200, `history fallback answered ${res.status}`)
  const csp = res.headers.get('content-security-policy') ?? ''
  assert(csp.includes("default-src 'self'") && csp.includes("frame-ancestors 'none'"), `CSP is "${csp}"`)
  assert(res.headers.get('x-content-type-options') === 'nosniff', 'X-Content-Type-Options missing')
  assert(res.headers.get('referrer-policy'), 'Referrer-Policy missing')
  assert(/no-cache/.test(res.headers.get('cache-control') ?? ''), 'index.html must not be cached')
  const html = await res.text()
  const asset = html.match(/\/assets\/[^"]+\.js/)?.[0]
  const assetRes = await fetch(web + asset, { headers: { 'accept-encoding': 'gzip' } })
  assert(/immutable/.test(assetRes.headers.get('cache-control') ?? ''), 'hashed assets must be immutable')
  assert(assetRes.headers.get('content-encoding') === 'gzip', 'assets must be gzipped')
  const metrics = await fetch(`${web}/metrics`)
  assert(metrics.status === 200, 'loopback may read /metrics')

  const page = await openPage()
  await page.goto(web)
  await page.waitForSelector('[data-test=brand]')
  await page.waitForLoadState('networkidle')
  await shot(page, 'home')
  await page.setViewportSize({ width: 390, height: 844 })
  // Phones get the bottom tab bar: wait for it to show (fails after the default 15 s), then take the picture.
  await page.waitForSelector('.van-tabbar', { state: 'visible' })
  await shot(page, 'home-phone')
  await page.setViewportSize({ width: 1280, height: 860 })
  assert(cspViolations.length === 0, `CSP violations: ${cspViolations.join(' | ')}`)
  await page.close()
})

test('Chinese by default; the English switch survives a reload', async () => {
  const page = await openPage()
  await page.goto(web)
  assert((await page.textContent('[data-test=nav-login]'))?.includes('登录'), 'default language is not Simplified Chinese')
  await page.click('[data-test=language]')
  await page.waitForSelector('text=Sign in')
  await page.reload()
  await page.waitForSelector('[data-test=nav-login]')
  assert((await page.textContent('[data-test=nav-login]'))?.includes('Sign in'), 'English did not persist across a reload')
  await shot(page, 'home-en')
  await page.click('[data-test=language]')
  await page.close()
})

test('register, sign out, sign in; the session survives a reload; validation errors are human', async () => {
  const page = await openPage()
  await page.goto(`${web}/register`)
  await page.fill('input[name=account]', 'not-an-account')
  await page.fill('input[name=password]', '123')
  await page.click('[data-test=register-submit]')
  await page.waitForSelector('.van-field__error-message')
  const message = (await page.locator('.van-field__error-message').allTextContents()).join(' ')
  assert(message && !/validation errors occurred/i.test(message) && message.length > 5, `unhelpful error: ${message}`)
  await shot(page, 'register-errors')

  const account = `e2e-${unique()}@example.com`
  await page.fill('input[name=account]', account)
  await page.fill('input[name=password]', password)
  await page.fill('input[name=nickname]', '小明')
  await page.click('[data-test=register-submit]')
  await page.waitForSelector('[data-test=who]')
  await page.goto(`${web}/account`)
  await page.waitForSelector('[data-test=profile]')
  await shot(page, 'account')
  await page.click('[data-test=logout]')
  await page.waitForSelector('[data-test=nav-login]')

  await page.goto(`${web}/account`)
  await page.waitForURL(/\/login\?redirect=/)
  await shot(page, 'login')
  await page.fill('input[name=account]', account)
  await page.fill('input[name=password]', 'wrong-password-1')
  await page.click('[data-test=login-submit]')
  await page.waitForSelector('[data-test=form-error]')
  await page.fill('input[name=password]', password)
  await page.click('[data-test=login-submit]')
  await page.waitForURL(/\/account$/)
  await page.waitForSelector('[data-test=profile]')

  // Reload: the access token was only in memory; the HttpOnly refresh cookie brings the session back.
  const cookies = await context.cookies()
  const refresh = cookies.find((c) => c.name === 'mall_rt')
  assert(refresh?.httpOnly, 'the refresh token must be an HttpOnly cookie')
  assert(!(await page.evaluate(() => JSON.stringify(localStorage) + JSON.stringify(sessionStorage) + document.cookie)).includes('eyJ'), 'a token is readable by script')
  await page.reload()
  await page.waitForSelector('[data-test=profile]')
  assert(await page.isVisible('[data-test=who]'), 'the session was not restored on reload')
  await page.close()
  await context.clearCookies()
})

test('an expired access token is refreshed silently: parallel 401s, one refresh call, requests replayed', async () => {
  const page = await openPage()
  const account = await newShopper()
  await uiLogin(page, account)
  // Swap the in-memory token for one the API rejects, as it rejects an expired one (401), then use the app.
  await page.evaluate(() => {
    const app = document.querySelector('#app').__vue_app__
    const auth = app.config.globalProperties.$pinia._s.get('auth')
    const [h, p] = auth.accessToken.split('.')
    const claims = JSON.parse(atob(p.replace(/-/g, '+').replace(/_/g, '/')))
    claims.exp = Math.floor(Date.now() / 1000) - 3600
    auth.accessToken = `${h}.${btoa(JSON.stringify(claims)).replace(/=+$/, '')}.expired`
  })
  let refreshes = 0
  const unauthorized = []
  page.on('response', (r) => {
    if (process.env.E2E_DEBUG) console.log('  response', r.status(), r.url())
    if (r.url().endsWith('/api/v1/auth/refresh')) refreshes++
    if (r.status() === 401 && !r.url().includes('/auth/')) unauthorized.push(r.url())
  })
  // The checkout page loads the addresses and the preview in parallel: both meet the 401, one refresh serves both.
  await page.evaluate(() => document.querySelector('#app').__vue_app__.config.globalProperties.$router.push('/checkout?fromCart=1'))
  await page.waitForURL(/\/checkout/)
  // Both sections settled (addresses, and the items the server previewed): networkidle was reached long before this
  // client-side navigation, so it would not wait for the replayed requests.
  await poll(async () => !(await page.isVisible('[data-test=loading]'))
    && (await page.locator('[data-test=empty], [data-test=error], [data-test=checkout-line], [data-test=checkout-address]').count()) >= 2,
  { message: 'the checkout page to settle' })
  assert(unauthorized.length >= 2, `expected parallel requests to meet the stale token, saw ${unauthorized.length}`)
  assert(refreshes === 1, `expected one refresh, saw ${refreshes}`)
  assert(!(await page.isVisible('[data-test=error]')), 'a replayed request still failed')
  assert(await page.isVisible('[data-test=who]'), 'the shopper was signed out instead of refreshed')
  await shot(page, 'after-silent-refresh')
  await page.close()
  await context.clearCookies()
})

test('guards: a guest goes to login, a shopper cannot open admin, an admin can', async () => {
  const page = await openPage()
  await page.goto(`${web}/orders`)
  await page.waitForURL(/\/login\?redirect=(%2F|\/)orders/)
  const account = await newShopper()
  await uiLogin(page, account)
  await page.goto(`${web}/admin`)
  await page.waitForURL(/\/forbidden$/)
  await context.clearCookies()
  await page.goto(`${web}/login`)
  await uiLogin(page, adminAccount, adminPassword)
  await page.goto(`${web}/admin/products`)
  await page.waitForSelector('[data-test=console]')
  await page.close()
  await context.clearCookies()
})

test('browse, add to cart, check out with a new address, pay in the sandbox: the order shows Paid', async () => {
  await need('GET', '/api/v1/products', 'the catalog')
  const account = await newShopper()
  const token = await nativeLogin(account, password)
  await need('GET', '/api/v1/cart', 'the cart', token)
  await need('GET', '/api/v1/addresses', 'addresses', token)
  await need('GET', '/api/v1/orders', 'orders', token)

  const page = await openPage()
  await uiLogin(page, account)
  await page.goto(web)
  await page.waitForSelector('[data-test=product-card]')
  await shot(page, 'home-signed-in')
  await page.click('[data-test=category] >> nth=0').catch(() => undefined)
  await page.waitForSelector('[data-test=product-card], [data-test=empty]')
  await shot(page, 'listing')
  await page.goto(web)
  await page.click('[data-test=product-card] >> nth=0')
  await page.waitForSelector('[data-test=product-title]')
  await page.waitForSelector('[data-test=add-to-cart]:not([disabled])')
  await shot(page, 'product')
  const added = page.waitForResponse((r) => r.url().includes('/api/v1/cart/items/') && r.request().method() === 'PUT')
  await page.click('[data-test=add-to-cart]')
  const addedRes = await added
  assert(addedRes.ok(), `adding to the cart answered ${addedRes.status()}`)
  await page.goto(`${web}/cart`)
  await page.waitForSelector('[data-test=cart-line]')
  await shot(page, 'cart')
  await page.click('[data-test=checkout] button')
  await page.waitForURL(/\/checkout/)
  await page.click('[data-test=add-address]')
  await page.waitForSelector('[data-test=address-form]')
  for (const [field, value] of Object.entries({ receiver: '王小二', phone: '13800138000', detail: '科技园 1 号' })) {
    await page.fill(`[data-test=address-form] input[name=${field}]`, value)
  }
  await pickRegion(page, '广东省', '深圳市', '南山区')
  await page.click('[data-test=address-save]')
  await page.waitForSelector('[data-test=checkout-address]')
  await shot(page, 'checkout')
  const placed = page.waitForResponse((r) => r.url().endsWith('/api/v1/orders') && r.request().method() === 'POST')
  await page.click('[data-test=place-order] button')
  const placedRes = await placed
  assert(placedRes.status() === 201, `placing the order answered ${placedRes.status()}: ${await placedRes.text()}`)
  const { orderNo } = await placedRes.json()
  await page.waitForURL(new RegExp(`/pay/${orderNo}`))
  await payInSandbox(page, orderNo)
  await shot(page, 'order-paid')
  await page.goto(`${web}/orders`)
  await page.waitForSelector(`[data-test=order-status][data-status=Paid]`)
  await shot(page, 'orders')
  await page.close()
  await context.clearCookies()
})

test('checkout shows only what the server priced: a tampered price in the address changes nothing', async () => {
  await need('POST', '/api/v1/orders/preview', 'the checkout preview', await nativeLogin(adminAccount, adminPassword))
  const { product, sku } = await someSku()
  const account = await newShopper()
  const token = await nativeLogin(account, password)
  const expected = await call('POST', '/api/v1/orders/preview', { token, body: { items: [{ skuId: sku.id, quantity: 1 }] } })
  assert(expected.status === 200 && expected.json.purchasable, `the preview answered ${expected.status}: ${JSON.stringify(expected.json)}`)
  const yuan = (cents) => `¥${(cents / 100).toFixed(2)}`

  const page = await openPage()
  await uiLogin(page, account)
  await page.goto(`${web}/checkout?skuId=${sku.id}&quantity=1&price=1&title=${encodeURIComponent('假商品')}`)
  await page.waitForSelector('[data-test=line-price]')
  const linePrice = (await page.textContent('[data-test=line-price]')).trim()
  assert(linePrice === yuan(sku.priceCents), `the line shows ${linePrice}, the SKU costs ${yuan(sku.priceCents)}`)
  assert((await page.textContent('[data-test=line-title]')).trim() === product.title, 'the title is not the catalog\'s')
  const total = Number(await page.getAttribute('[data-test=place-order]', 'data-total'))
  assert(total === expected.json.totalCents, `the page totals ${total}, the server ${expected.json.totalCents}`)
  const bar = await page.textContent('[data-test=place-order]')
  assert(bar.includes((expected.json.totalCents / 100).toFixed(2)) && !bar.includes('0.01'), `the submit bar shows ${bar}`)
  assert(!(await page.textContent('body')).includes('假商品'), 'the title from the address is shown')
  await shot(page, 'checkout-tampered')

  // An absurd quantity is refused by the server, not priced ¥0.00 by the page.
  await page.goto(`${web}/checkout?skuId=${sku.id}&quantity=99999&price=0`)
  await page.waitForSelector('[data-test=error], [data-test=line-problem]')
  assert(!(await page.textContent('[data-test=place-order]')).includes('0.00'), 'an absurd quantity is priced ¥0.00')
  assert(await page.isDisabled('[data-test=place-order] button'), 'an order the server would refuse can be placed')
  await page.close()
  await context.clearCookies()
})

test('the SKU picker: a value in stock only with other picks re-picks them (全棉磨毛四件套: 雾蓝 → 1.8m)', async () => {
  const found = await call('GET', `/api/v1/products?page=1&pageSize=20&q=${encodeURIComponent('四件套')}`)
  const bedding = (found.json?.items ?? []).find((p) => p.title === '全棉磨毛四件套')
  assert(bedding, `the demo catalog has no 全棉磨毛四件套: ${JSON.stringify(found.json)}`)
  const page = await openPage()
  await page.goto(`${web}/products/${bedding.id}`)
  const option = (text) => page.locator('[data-test=spec-option]', { hasText: text })
  await option('1.5m').waitFor()
  assert((await option('1.5m').getAttribute('data-state')) === 'chosen', '1.5m is not preselected')
  assert((await option('雾蓝').getAttribute('data-state')) !== 'disabled', '雾蓝 looks disabled')
  await option('雾蓝').click()
  await poll(async () => (await option('1.8m').getAttribute('data-state')) === 'chosen', { message: '1.8m re-picked' })
  assert((await option('雾蓝').getAttribute('data-state')) === 'chosen', '雾蓝 was not picked')
  await shot(page, 'sku-picker')
  await page.close()
})

test('seckill: countdown on server time, proof of work solved in advance, attempt at the start, success pushed over SignalR, then pay', async () => {
  await need('GET', '/api/v1/time', 'the server time endpoint')
  await need('GET', '/api/v1/seckill/activities', 'seckill activities')
  await need('GET', '/api/v1/products', 'the catalog')
  const adminToken = await nativeLogin(adminAccount, adminPassword)
  await need('POST', '/api/v1/admin/seckill/activities', 'creating seckill activities', adminToken)
  const page = await openPage()
  const pushed = []
  page.on('websocket', (ws) => ws.on('framereceived', (f) => {
    const text = typeof f.payload === 'string' ? f.payload : ''
    if (text.includes('SeckillResult')) pushed.push(text)
  }))
  await uiLogin(page, await newShopper())
  // Created once the shopper is signed in, so a slow sign-in on a busy machine cannot eat the countdown. The activity
  // asks for proof of work: the page solves it in a worker during the countdown.
  const { id } = await createActivity(adminToken, { startsInMs: 10_000, stock: 5, title: `E2E 秒杀 ${unique()}`, challengeBits: 14 })
  await page.goto(`${web}/seckill/${id}`)
  await page.waitForSelector('[data-test=countdown]')
  await page.waitForSelector('[data-test=seckill-button][data-state=counting-down]')
  await shot(page, 'seckill-countdown')
  await page.waitForSelector('[data-test=seckill-prepared]', { timeout: 20_000 })
  await page.waitForSelector('[data-test=seckill-button][data-state=ready]', { timeout: 20_000 })
  await shot(page, 'seckill-ready')
  await page.click('[data-test=seckill-button]')
  await page.click('[data-test=seckill-button]', { timeout: 1000 }).catch(() => undefined) // a double click must not submit twice
  await page.waitForURL(/\/pay\//, { timeout: 30_000 })
  assert(pushed.length > 0, 'the order was found by polling, but no SeckillResult was pushed over SignalR')
  const orderNo = page.url().split('/pay/')[1]
  await payInSandbox(page, orderNo)
  await shot(page, 'seckill-paid')
  await page.close()
  await context.clearCookies()
})

test('seckill: a sold-out sale shows the sold-out state', async () => {
  await need('GET', '/api/v1/seckill/activities', 'seckill activities')
  await need('GET', '/api/v1/products', 'the catalog')
  const adminToken = await nativeLogin(adminAccount, adminPassword)
  await need('POST', '/api/v1/admin/seckill/activities', 'creating seckill activities', adminToken)
  const title = `E2E 售罄 ${unique()}`
  const { id } = await createActivity(adminToken, { startsInMs: 1_500, stock: 1, title })
  // Someone else takes the only unit through the API, as soon as the sale starts: the token endpoint answers 425
  // until then (polled 4 times a second, under its limit of 5 tokens per shopper and second).
  const rival = await nativeLogin(await newShopper(), password)
  const tok = await poll(async () => {
    const r = await call('POST', `/api/v1/seckill/activities/${id}/token`, { token: rival })
    return r.status === 425 ? null : r
  }, { timeoutMs: 15_000, message: 'the sale to start (token endpoint no longer 425)' })
  assert(tok.status === 200, `token answered ${tok.status}: ${JSON.stringify(tok.json)}`)
  const attempt = await call('POST', `/api/v1/seckill/activities/${id}/attempts`, { token: rival, body: { token: tok.json.token, quantity: 1 } })
  assert(attempt.status === 202, `the rival's attempt answered ${attempt.status}`)

  const page = await openPage()
  await uiLogin(page, await newShopper())
  await page.goto(`${web}/seckill/${id}`)
  await page.waitForSelector('[data-test=seckill-button][data-state=sold-out]')
  await shot(page, 'seckill-sold-out')
  // The home page's banner says so too (已售罄), not "live · 0 left".
  await poll(async () => {
    await page.goto(`${web}/`)
    const banner = page.locator('[data-test=activity-banner]', { hasText: title })
    await banner.waitFor()
    return (await banner.locator('[data-test=activity-sold-out]').count()) === 1 && !(await banner.innerText()).includes('剩余 0')
  }, { timeoutMs: 15_000, message: 'the home banner of the sold-out sale to say 已售罄' })
  await page.close()
  await context.clearCookies()
})

// ---------- the operator console (/admin) ----------
