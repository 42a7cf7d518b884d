// Operator console flows that cross into the shop: an approved return refunded through the sandbox, an activity
// edited and then counting down in the shop, a product with two SKUs bought at its second SKU's price; and the
// screenshots of docs/admin.md (into docs/images/admin/ only with MALL_DOC_SHOTS=1, so a CI run never rewrites docs).
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import {
  web, adminAccount, adminPassword, out, test, unique, password, assert, poll, call, need, nativeLogin, newShopper, serverNow, someSku,
  createActivity, context, openPage, shot, uiLogin, payInSandbox,
} from '../harness.mjs'

const desktop = { width: 1366, height: 900 }
// The console's narrowest supported window (its layout has min-width 1024px).
const narrow = { width: 1024, height: 768 }

/** A product of its own, one SKU in stock, created through the admin API in a subcategory. */
async function productOf(adminToken, title, skus) {
  const tree = await call('GET', '/api/v1/categories')
  const top = tree.json?.categories?.[0]
  assert(top, `no category to put a product in: ${JSON.stringify(tree.json)}`)
  const created = await call('POST', '/api/v1/admin/products', {
    token: adminToken, body: { categoryId: top.children?.[0]?.id ?? top.id, title, subtitle: null, description: null, images: [], skus },
  })
  assert(created.status === 201, `creating a product answered ${created.status}: ${JSON.stringify(created.json)}`)
  return created.json.id
}

/** A shopper of its own with an address, signed in natively (for arranging) — the browser signs in separately. */
async function shopperWithAddress() {
  const account = await newShopper()
  const token = await nativeLogin(account, password)
  const address = await call('POST', '/api/v1/addresses', {
    token, body: { receiver: '赵小六', phone: '13700137000', province: '江苏省', city: '南京市', district: '玄武区', detail: '中山路 6 号' },
  })
  assert(address.status === 201, `creating the address answered ${address.status}`)
  return { account, token, addressId: address.json.id }
}

const skuOf = async (adminToken, productId) => (await call('GET', `/api/v1/admin/products/${productId}`, { token: adminToken })).json.skus[0]
const pointsOf = async (token) => {
  const r = await call('GET', '/api/v1/me/points-history', { token })
  assert(r.status === 200, `the points history answered ${r.status}`)
  return (Array.isArray(r.json) ? r.json : r.json?.items ?? []).reduce((sum, e) => sum + e.points, 0)
}

test('console: a shopper returns a shipped order, the admin approves it, the sandbox refunds it (notification) — console and shop show it refunded, stock and points restored', async () => {
  const adminToken = await nativeLogin(adminAccount, adminPassword)
  await need('GET', '/api/v1/admin/after-sales?page=1&pageSize=1', 'the admin after-sales list', adminToken)
  const productId = await productOf(adminToken, `E2E 退款 ${unique()}`, [{ specs: { 颜色: '黑' }, priceCents: 12_800, stock: 20 }])
  const sku = await skuOf(adminToken, productId)

  // A paid order: bought through the API, paid in the sandbox's pages.
  const { account, token, addressId } = await shopperWithAddress()
  const cart = await call('PUT', `/api/v1/cart/items/${sku.id}`, { token, body: { quantity: 1 } })
  assert(cart.status === 200, `adding to the cart answered ${cart.status}`)
  const placed = await call('POST', '/api/v1/orders', { token, body: { fromCart: true, addressId }, headers: { 'idempotency-key': unique() } })
  assert(placed.status === 201, `placing the order answered ${placed.status}: ${JSON.stringify(placed.json)}`)
  const { orderNo, totalCents } = placed.json
  const pointsBefore = await pointsOf(token)
  const shopperPage = await openPage()
  await uiLogin(shopperPage, account)
  await payInSandbox(shopperPage, orderNo)
  // One browser profile: the shopper signs out (cookies cleared) before the operator signs in, and back in at the end.
  await shopperPage.close()
  await context.clearCookies()
  const paidSku = await skuOf(adminToken, productId)
  assert(paidSku.sold === 1 && paidSku.available === 19, `after the payment the SKU is ${JSON.stringify(paidSku)}`)
  const pointsPaid = await pointsOf(token)
  assert(pointsPaid > pointsBefore, `paying ¥${totalCents / 100} earned no points (${pointsBefore} → ${pointsPaid})`)

  // Shipped, so what the shopper asks for is a return the operator reviews (before shipping it would be refunded at once).
  const shipped = await call('POST', `/api/v1/admin/orders/${orderNo}/ship`, { token: adminToken, body: { carrier: '中通快递', trackingNo: `ZT${Date.now()}` } })
  assert(shipped.status === 200, `shipping answered ${shipped.status}: ${JSON.stringify(shipped.json)}`)
  const requested = await call('POST', `/api/v1/orders/${orderNo}/after-sales`, {
    token, body: { reason: '颜色与图片不符', amountCents: totalCents, items: [{ skuId: sku.id, quantity: 1 }], photoUrls: [] },
  })
  assert(requested.status === 201, `the return request answered ${requested.status}: ${JSON.stringify(requested.json)}`)
  const { afterSaleNo } = requested.json

  const page = await openPage()
  await uiLogin(page, adminAccount, adminPassword)
  // At the console's narrowest window the review drawer and its buttons still fit.
  await page.setViewportSize(narrow)
  await page.goto(`${web}/admin/after-sales`)
  await page.click(`[data-test=after-sale-row][data-no="${afterSaleNo}"]`)
  await page.waitForSelector('[data-test=after-sale-detail][data-status=AwaitingReview]')
  const approveBox = await page.locator('[data-test=after-sale-approve]').boundingBox()
  assert(approveBox && approveBox.x >= 0 && approveBox.x + approveBox.width <= narrow.width, `the approve button is outside a ${narrow.width}px window: ${JSON.stringify(approveBox)}`)
  await shot(page, 'console-after-sale-review-narrow')
  await page.setViewportSize(desktop)
  await page.fill('[data-test=after-sale-review] textarea[name=note]', '已收到退货，同意退款')
  await page.click('[data-test=after-sale-approve]')
  await page.waitForSelector('.el-message-box')
  assert((await page.textContent('.el-message-box')).includes((totalCents / 100).toFixed(2)), 'the confirmation does not name the amount')
  const approved = page.waitForResponse((r) => r.url().endsWith(`/api/v1/admin/after-sales/${afterSaleNo}/approve`))
  await page.click('.el-message-box__btns .el-button--primary')
  const approvedRes = await approved
  assert(approvedRes.ok(), `approve answered ${approvedRes.status()}: ${await approvedRes.text()}`)
  const afterApprove = await approvedRes.json()
  // WeChat Pay (the sandbox's first provider) answers a refund PROCESSING: the money is back only when REFUND.SUCCESS arrives.
  assert(['Refunding', 'Refunded'].includes(afterApprove.status), `approved, the after-sale is ${afterApprove.status}`)

  // The console: the open request turns Refunded by itself once the sandbox's notification is booked (the drawer
  // reads a Refunding one again until then), and so does its row.
  await page.waitForSelector('[data-test=after-sale-detail][data-status=Refunded] [data-test=after-sale-refund][data-status=Succeeded]', { timeout: 45_000 })
  await page.keyboard.press('Escape')
  await page.waitForSelector('[data-test=after-sale-drawer]', { state: 'hidden' })
  await page.click('[data-test=after-sale-filter-Refunded]')
  const row = page.locator('tr', { has: page.locator(`[data-test=after-sale-row][data-no="${afterSaleNo}"]`) })
  await row.locator('[data-test=after-sale-status][data-status=Refunded]').waitFor()
  await row.locator('[data-test=after-sale-row]').click()
  await page.waitForSelector('[data-test=after-sale-detail][data-status=Refunded]')
  const refundText = await page.textContent('[data-test=after-sale-refund]')
  assert(refundText.includes('退款成功') && refundText.includes((totalCents / 100).toFixed(2)), `the refund reads ${refundText}`)
  await shot(page, 'console-after-sale-refunded')

  // The order's detail in the console: Refunded, its refund Succeeded and on the timeline.
  await page.goto(`${web}/admin/orders`)
  await page.fill('[data-test=order-search] input[name=orderNo]', orderNo)
  await page.click('[data-test=order-search-submit]')
  await page.click(`[data-test=order-row][data-order="${orderNo}"]`)
  await page.waitForSelector(`[data-test=order-detail][data-order="${orderNo}"] [data-test=order-detail-status][data-status=Refunded]`)
  await page.waitForSelector('[data-test=order-refund-status][data-status=Succeeded]')
  assert((await page.textContent('[data-test=order-timeline]')).includes(afterSaleNo), 'the timeline does not show the refund')
  await shot(page, 'console-order-refunded')

  // Today's figures on the dashboard count the money given back.
  await page.goto(`${web}/admin/dashboard`)
  await page.waitForSelector('[data-test=dashboard-refunds]')
  const refundedToday = Number(await page.getAttribute('[data-test=dashboard-refunds]', 'data-value'))
  assert(refundedToday >= totalCents, `the dashboard counts ${refundedToday} cents refunded today`)

  // The shopper's order page says refunded too.
  await page.close()
  await context.clearCookies()
  const mine = await openPage()
  await uiLogin(mine, account)
  await poll(async () => {
    await mine.goto(`${web}/orders/${orderNo}`)
    await mine.waitForSelector('[data-test=order-status]')
    return (await mine.getAttribute('[data-test=order-status]', 'data-status')) === 'Refunded'
  }, { timeoutMs: 20_000, intervalMs: 1_000, message: "the shopper's order to show Refunded" })
  assert((await mine.textContent('[data-test=order-status]')).includes('已退款'), 'the shopper does not read 已退款')
  await shot(mine, 'order-refunded')

  // Exactly once: the unit is back on the SKU and the points earned on the money are taken back.
  const back = await skuOf(adminToken, productId)
  assert(back.sold === 0 && back.available === 20, `after the refund the SKU is ${JSON.stringify(back)}`)
  const pointsAfter = await pointsOf(token)
  assert(pointsAfter === pointsBefore, `points ${pointsBefore} → ${pointsPaid} paid → ${pointsAfter} refunded`)
  await mine.close()
  await context.clearCookies()
})

const two = (n) => String(n).padStart(2, '0')
/** What Element Plus' datetime picker shows (and parses) for an instant, in the browser's (= this process's) zone. */
const pickerText = (ms) => {
  const d = new Date(ms)
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`
}

test('console (English): an admin edits a draft activity (title, price, stock, start), publishes it; the shop counts down to the new start with the new title', async () => {
  const adminToken = await nativeLogin(adminAccount, adminPassword)
  await need('PUT', '/api/v1/admin/seckill/activities/0', 'changing an activity', adminToken)
  const { sku } = await someSku()
  const now = await serverNow()
  const draft = await call('POST', '/api/v1/admin/seckill/activities', {
    token: adminToken,
    body: {
      skuId: sku.id, title: `E2E 改前 ${unique()}`, priceCents: 1, stock: 2, limitPerUser: 1,
      startsAt: new Date(now + 20 * 60_000).toISOString(), endsAt: new Date(now + 60 * 60_000).toISOString(), challengeBits: 0,
    },
  })
  assert(draft.status === 201, `creating the draft answered ${draft.status}: ${JSON.stringify(draft.json)}`)
  const id = draft.json.id

  const page = await openPage()
  await page.setViewportSize(desktop)
  await uiLogin(page, adminAccount, adminPassword)
  await page.goto(`${web}/admin/activities`)
  await page.click('[data-test=console-language]')
  await page.waitForSelector('[data-test=console-menu-orders]:has-text("Orders")')
  try {
    const row = page.locator('tr', { has: page.locator(`[data-test=activity-row][data-id="${id}"]`) })
    await row.locator('[data-test=activity-status][data-status=Draft]').waitFor()
    await row.locator('[data-test=activity-edit]').click()
    await page.waitForSelector('[data-test=activity-form]')
    assert(!(await page.isVisible('[data-test=activity-pick-sku]')), 'the SKU of an existing activity can be changed')
    assert((await page.inputValue('[data-test=activity-form] input[name=title]')).startsWith('E2E 改前'), 'the form does not hold the activity')
    const title = `E2E 改后 ${unique()}`
    // Whole seconds: the picker shows no milliseconds.
    const startsAt = Math.ceil(((await serverNow()) + 3 * 60_000) / 1000) * 1000
    await page.fill('[data-test=activity-form] input[name=title]', title)
    await page.fill('[data-test=activity-form] input[name=price]', '0.50')
    await page.fill('[data-test=activity-form] input[name=stock]', '4')
    await page.fill('[data-test=activity-form] input[name=startsAt]', pickerText(startsAt))
    await page.press('[data-test=activity-form] input[name=startsAt]', 'Enter')
    await page.click('[data-test=activity-form] input[name=title]') // closes the picker's panel
    await shot(page, 'console-activity-edit-en')
    const saved = page.waitForResponse((r) => r.url().endsWith(`/api/v1/admin/seckill/activities/${id}`) && r.request().method() === 'PUT')
    await page.click('[data-test=activity-save]')
    const savedRes = await saved
    assert(savedRes.ok(), `the edit answered ${savedRes.status()}: ${await savedRes.text()}`)
    await row.locator(`[data-test=activity-row]:has-text("${title}")`).waitFor()
    const published = page.waitForResponse((r) => r.url().endsWith(`/api/v1/admin/seckill/activities/${id}/publish`))
    await row.locator('[data-test=activity-publish]').click()
    assert((await published).ok(), 'publish failed')
    await row.locator('[data-test=activity-status][data-status=Scheduled]').waitFor()
    assert((await row.textContent()).includes('Scheduled'), 'the status is not in English')

    // What shoppers are told is the edit: title, price, stock and the new start.
    const shown = await call('GET', `/api/v1/seckill/activities/${id}`)
    assert(shown.status === 200 && shown.json.title === title && shown.json.priceCents === 50 && shown.json.stockLeft === 4,
      `shoppers see ${shown.status} ${JSON.stringify(shown.json)}`)
    assert(Date.parse(shown.json.startsAt) === startsAt, `it starts at ${shown.json.startsAt}, the edit said ${new Date(startsAt).toISOString()}`)

    // The shop (in English too: one setting) counts down to it.
    await page.goto(`${web}/seckill/${id}`)
    await page.waitForSelector(`[data-test=activity-title]:has-text("${title}")`)
    await page.waitForSelector('[data-test=seckill-button][data-state=counting-down]')
    const remaining = async () => {
      const [h, m, s] = (await page.textContent('[data-test=countdown]')).trim().split(':').map(Number)
      return (h * 60 + m) * 60 + s
    }
    const first = await remaining()
    const expected = (startsAt - (await serverNow())) / 1000
    assert(Math.abs(first - expected) <= 5, `the countdown shows ${first} s, the start is ${expected.toFixed(1)} s away`)
    await poll(async () => (await remaining()) < first, { timeoutMs: 5_000, message: 'the countdown to tick' })
    assert((await page.textContent('[data-test=stock-left]')).includes('4'), `the page shows ${await page.textContent('[data-test=stock-left]')}`)
    await shot(page, 'seckill-countdown-edited-en')
  } finally {
    // The language is one setting for the shop and the console: back to Chinese for the flows after this one.
    await page.goto(`${web}/admin/activities`)
    await page.waitForSelector('[data-test=console-menu-orders]')
    if ((await page.textContent('[data-test=console-menu-orders]')).includes('Orders')) {
      await page.click('[data-test=console-language]')
      await page.waitForSelector('[data-test=console-menu-orders]:has-text("订单")')
    }
    await page.close()
    await context.clearCookies()
  }
})

test('console: a product with two SKUs (two spec values, prices, stocks) shows both in the shop\'s SKU picker; buying the second charges its price', async () => {
  const adminToken = await nativeLogin(adminAccount, adminPassword)
  const page = await openPage()
  await page.setViewportSize(desktop)
  await uiLogin(page, adminAccount, adminPassword)
  await page.goto(`${web}/admin/products`)
  await page.waitForSelector('[data-test=product-table]')
  await page.click('[data-test=product-create]')
  await page.waitForSelector('[data-test=product-form]')
  const title = `双规格 ${unique()}`
  await page.click('[data-test=product-category]')
  const dropdown = page.locator('.el-cascader__dropdown:visible')
  await dropdown.locator('.el-cascader-node').first().click()
  await dropdown.locator('.el-cascader-menu').nth(1).locator('.el-cascader-node .el-radio').first().click()
  await page.keyboard.press('Escape')
  await page.fill('[data-test=product-form] input[name=title]', title)
  await page.fill('[data-test=product-form] input[name="skus.0.specs"]', '容量：256G')
  await page.fill('[data-test=product-form] input[name="skus.0.price"]', '1999')
  await page.fill('[data-test=product-form] input[name="skus.0.stock"]', '30')
  await page.click('[data-test=product-form] button:has-text("添加规格")')
  await page.fill('[data-test=product-form] input[name="skus.1.specs"]', '容量:512G')
  await page.fill('[data-test=product-form] input[name="skus.1.price"]', '2499.50')
  await page.fill('[data-test=product-form] input[name="skus.1.stock"]', '7')
  await page.click('[data-test=product-form] input[name=title]') // the last number input commits on blur
  await shot(page, 'console-product-two-skus')
  const created = page.waitForResponse((r) => r.url().endsWith('/api/v1/admin/products') && r.request().method() === 'POST')
  await page.click('[data-test=product-save]')
  const createdRes = await created
  assert(createdRes.status() === 201, `create answered ${createdRes.status()}: ${await createdRes.text()}`)
  const { id } = await createdRes.json()
  const detail = (await call('GET', `/api/v1/admin/products/${id}`, { token: adminToken })).json
  const bySpec = Object.fromEntries(detail.skus.map((s) => [s.specs['容量'], s]))
  assert(bySpec['256G']?.priceCents === 199_900 && bySpec['256G'].stock === 30 && bySpec['512G']?.priceCents === 249_950 && bySpec['512G'].stock === 7,
    `the API stored ${JSON.stringify(detail.skus)}`)
  await page.close()
  await context.clearCookies()

  const { account, token } = await shopperWithAddress()
  const shop = await openPage()
  await shop.setViewportSize(desktop)
  await uiLogin(shop, account)
  await shop.goto(`${web}/products/${id}`)
  await shop.waitForSelector(`[data-test=product-title]:has-text("${title}")`)
  const option = (text) => shop.locator('[data-test=spec-option]', { hasText: text })
  await option('256G').waitFor()
  assert((await shop.locator('[data-test=spec-option]').count()) === 2, 'the picker does not offer exactly the two values')
  const price = () => shop.locator('.info .price').first().textContent()
  await poll(async () => (await option('256G').getAttribute('data-state')) === 'chosen', { message: '256G preselected' })
  assert((await price()).includes('1999.00'), `256G is priced ${await price()}`)
  await option('512G').click()
  await poll(async () => (await price()).includes('2499.50'), { message: '512G priced ¥2499.50' })
  assert((await shop.textContent('[data-test=sku-stock]')).includes('7'), `512G shows ${await shop.textContent('[data-test=sku-stock]')}`)
  await shot(shop, 'product-two-skus')

  await shop.click('[data-test=buy-now]')
  await shop.waitForURL(new RegExp(`/checkout\\?skuId=${bySpec['512G'].id}`))
  await shop.waitForSelector(`[data-test=checkout-line][data-sku="${bySpec['512G'].id}"] [data-test=line-price]`)
  assert((await shop.textContent('[data-test=line-price]')).includes('2499.50'), `the checkout line is ${await shop.textContent('[data-test=line-price]')}`)
  await shop.waitForSelector('[data-test=place-order] button:not([disabled])')
  const placed = shop.waitForResponse((r) => r.url().endsWith('/api/v1/orders') && r.request().method() === 'POST')
  await shop.click('[data-test=place-order] button')
  const placedRes = await placed
  assert(placedRes.status() === 201, `placing the order answered ${placedRes.status()}: ${await placedRes.text()}`)
  const { orderNo } = await placedRes.json()
  await payInSandbox(shop, orderNo)
  const order = (await call('GET', `/api/v1/admin/orders/${orderNo}`, { token: adminToken })).json
  const line = order.items?.[0]
  assert(order.items.length === 1 && line.skuId === bySpec['512G'].id && line.priceCents === 249_950, `the order holds ${JSON.stringify(order.items)}`)
  const paid = order.payments.find((p) => p.status === 'Paid')
  assert(paid && paid.amountCents === order.totalCents && order.totalCents >= 249_950, `paid ${JSON.stringify(order.payments)} for a total of ${order.totalCents}`)
  const after = (await call('GET', `/api/v1/admin/products/${id}`, { token: adminToken })).json.skus
  assert(after.find((s) => s.id === bySpec['512G'].id).sold === 1 && after.find((s) => s.id === bySpec['256G'].id).sold === 0, `sold: ${JSON.stringify(after)}`)
  const mine = await call('GET', `/api/v1/orders/${orderNo}`, { token })
  assert(mine.json?.status === 'Paid', `the shopper sees ${mine.json?.status}`)
  await shop.close()
  await context.clearCookies()
})

// ---------- screenshots for docs/admin.md ----------
// One viewport-sized PNG (not the full page: smaller files) per main page, at 1366×900 in Chinese. Into
// docs/images/admin/ with MALL_DOC_SHOTS=1; otherwise beside the other screenshots, so CI never rewrites the docs.
const docShots = process.env.MALL_DOC_SHOTS === '1'
  ? new URL('../../../docs/images/admin/', import.meta.url).pathname
  : join(out, 'admin-docs')

async function docShot(page, name) {
  mkdirSync(docShots, { recursive: true })
  await page.waitForLoadState('networkidle').catch(() => undefined)
  // No spinner, toast or focus ring in a picture of record.
  await page.waitForSelector('.el-loading-mask', { state: 'hidden' }).catch(() => undefined)
  await page.waitForSelector('.el-message', { state: 'detached' }).catch(() => undefined)
  await page.evaluate(() => document.activeElement instanceof HTMLElement && document.activeElement.blur())
  await page.screenshot({ path: join(docShots, `${name}.png`), fullPage: false })
}

test('console: screenshots of every main page for docs/admin.md', async () => {
  const adminToken = await nativeLogin(adminAccount, adminPassword)
  // A live activity for the live panel, with one shopper's attempt on it.
  const { id: liveId, startsAt } = await createActivity(adminToken, { startsInMs: 1_500, stock: 5, title: `限时秒杀 ${unique().slice(0, 4)}` })
  await poll(async () => (await serverNow()) >= startsAt + 300, { timeoutMs: 10_000, intervalMs: 200, message: 'the activity to start' })
  const rival = await nativeLogin(await newShopper(), password)
  const issued = await call('POST', `/api/v1/seckill/activities/${liveId}/token`, { token: rival })
  if (issued.status === 200) await call('POST', `/api/v1/seckill/activities/${liveId}/attempts`, { token: rival, body: { token: issued.json.token, quantity: 1 } })

  const page = await openPage()
  await page.setViewportSize(desktop)
  await uiLogin(page, adminAccount, adminPassword)
  await page.goto(`${web}/admin/dashboard`)
  await page.waitForSelector('[data-test=dashboard-orders]')
  await docShot(page, 'dashboard')

  await page.goto(`${web}/admin/products`)
  await page.waitForSelector('[data-test=product-table] [data-test=product-row]')
  await docShot(page, 'products')
  // The editor on a demo product: its images, several SKUs with prices in yuan and what is available.
  await page.fill('input[data-test=product-search]', '四件套')
  await page.press('input[data-test=product-search]', 'Enter')
  await page.locator('tr', { has: page.locator('[data-test=product-row]:has-text("全棉磨毛四件套")') }).locator('[data-test=product-edit]').click()
  await page.waitForSelector('[data-test=product-skus] input[name="skus.1.specs"]')
  await docShot(page, 'product-editor')

  await page.goto(`${web}/admin/orders`)
  await page.waitForSelector('[data-test=order-table] [data-test=order-row]')
  await docShot(page, 'orders')
  // The newest refunded order if there is one (its detail has a refund on the timeline), else the newest order.
  await page.click('[data-test=order-filter-Refunded]')
  await page.waitForLoadState('networkidle')
  if (!(await page.locator('[data-test=order-row]').count())) await page.click('[data-test=order-filter-all]').catch(() => undefined)
  await page.locator('[data-test=order-row]').first().click()
  await page.waitForSelector('[data-test=order-detail] [data-test=order-detail-status]')
  await docShot(page, 'order-detail')

  await page.goto(`${web}/admin/after-sales`)
  await page.click('[data-test=after-sale-filter-all]')
  await page.waitForSelector('[data-test=after-sale-table] [data-test=after-sale-row]')
  await page.locator('[data-test=after-sale-row]').first().click()
  await page.waitForSelector('[data-test=after-sale-detail]')
  await docShot(page, 'after-sales')

  await page.goto(`${web}/admin/members`)
  await page.waitForSelector('[data-test=member-table] [data-test=member-row]')
  await docShot(page, 'members')

  await page.goto(`${web}/admin/activities`)
  await page.waitForSelector(`[data-test=live-panel] [data-test=live-row][data-id="${liveId}"]`)
  await docShot(page, 'seckill-live')

  await page.goto(`${web}/admin/audit`)
  await page.waitForSelector('[data-test=audit-table] [data-test=audit-row]')
  await page.locator('[data-test=audit-table] .el-table__expand-icon').first().click()
  await page.waitForSelector('[data-test=audit-table] pre')
  await docShot(page, 'audit-log')
  await page.close()
  await context.clearCookies()
})
