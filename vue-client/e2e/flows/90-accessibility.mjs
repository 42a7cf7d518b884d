// Accessibility: axe-core on every main shopper page, phone and desktop, zh-CN and en; no serious or critical
// violation (issue 18, item 12).
import {
  web, adminAccount, adminPassword, test, unique, password, assert, call, nativeLoginSolving, newShopper, someSku, createActivity, context, openPage, uiLogin, axe,
} from '../harness.mjs'

/** Waits until the page has settled: no loading placeholder, no request in flight. */
async function settled(page) {
  await page.waitForLoadState('networkidle').catch(() => undefined)
  await page.waitForSelector('[data-test=loading]', { state: 'detached', timeout: 15_000 }).catch(() => undefined)
}

/** Opens each path, runs axe, and collects every page's failure so one run names them all. */
async function audit(page, paths, label, failures) {
  for (const path of paths) {
    await page.goto(`${web}${path}`)
    await settled(page)
    try {
      await axe(page, `${label} ${path}`)
    } catch (e) {
      failures.push(e.message)
    }
  }
}

for (const [name, viewport, locale] of [['phone, zh-CN', { width: 390, height: 844 }, 'zh-CN'], ['desktop, en', { width: 1366, height: 900 }, 'en']]) {
  test(`accessibility (${name}): axe finds no serious or critical violation on the main pages`, async () => {
    const adminToken = await nativeLoginSolving(adminAccount, adminPassword)
    const activity = await createActivity(adminToken, { startsInMs: 10 * 60_000, stock: 5, title: `E2E 无障碍 ${unique()}` })
    const { product, sku } = await someSku()
    const account = await newShopper()
    const token = await nativeLoginSolving(account, password)
    const address = await call('POST', '/api/v1/addresses', {
      token, body: { receiver: '王小二', phone: '13800138000', province: '广东省', city: '深圳市', district: '南山区', detail: '科技园 1 号', isDefault: true },
    })
    assert(address.status === 201, `creating an address answered ${address.status}`)
    const cart = await call('PUT', `/api/v1/cart/items/${sku.id}`, { token, body: { quantity: 1 } })
    assert(cart.status === 200, `adding to the cart answered ${cart.status}`)
    const order = await call('POST', '/api/v1/orders', { token, body: { items: [{ skuId: sku.id, quantity: 1 }], addressId: address.json.id }, headers: { 'idempotency-key': unique() } })
    assert(order.status === 201, `placing an order answered ${order.status}: ${JSON.stringify(order.json)}`)

    await context.clearCookies()
    const page = await openPage()
    await page.setViewportSize(viewport)
    await page.goto(`${web}/404-clean`)
    await page.evaluate((locale) => { localStorage.clear(); localStorage.setItem('mall.locale', locale) }, locale)
    const failures = []
    await audit(page, ['/login', '/register'], name, failures)
    await uiLogin(page, account)
    await audit(page, [
      '/', '/products', `/products/${product.id}`, `/seckill/${activity.id}`, '/cart', '/checkout?fromCart=1', `/pay/${order.json.orderNo}`,
      '/orders', `/orders/${order.json.orderNo}`, '/account', '/account/addresses',
    ], name, failures)
    await page.evaluate(() => localStorage.setItem('mall.locale', 'zh-CN'))
    await page.close()
    await context.clearCookies()
    assert(!failures.length, failures.join('\n'))
  })
}
