// Cart (ticks, select all, checkout of the ticked lines, stock warnings, the guest cart merged at sign-in),
// addresses picked from the region list, and the session across tabs (issue 18, items 5, 6 and 10).
import {
  web, adminAccount, adminPassword, test, unique, password, assert, poll, call, nativeLoginSolving, newShopper, context, openPage, shot, uiLogin, pickRegion,
} from '../harness.mjs'

const phone = { width: 390, height: 844 }
const desktop = { width: 1366, height: 900 }

/** A product of the flow's own, on shelf: one SKU per entry of `skus` ({ stock, priceCents }). Returns its id and SKU ids. */
async function productWith(adminToken, title, skus) {
  const tree = await call('GET', '/api/v1/categories')
  const top = tree.json?.categories?.[0]
  assert(top, `no category to put a product in: ${JSON.stringify(tree.json)}`)
  const created = await call('POST', '/api/v1/admin/products', {
    token: adminToken,
    body: {
      categoryId: top.children?.[0]?.id ?? top.id, title, subtitle: null, description: null, images: [],
      skus: skus.map((s, i) => ({ specs: { 款式: `款${i + 1}` }, priceCents: s.priceCents, stock: s.stock })),
    },
  })
  assert(created.status === 201, `creating a product answered ${created.status}: ${JSON.stringify(created.json)}`)
  const detail = await call('GET', `/api/v1/products/${created.json.id}`)
  assert(detail.status === 200, `the new product answered ${detail.status}`)
  const ids = skus.map((_, i) => detail.json.skus.find((s) => s.specs['款式'] === `款${i + 1}`)?.id)
  assert(ids.every(Boolean), `the new product's SKUs: ${JSON.stringify(detail.json.skus)}`)
  return { id: created.json.id, skus: ids }
}

async function put(token, skuId, quantity) {
  const r = await call('PUT', `/api/v1/cart/items/${skuId}`, { token, body: { quantity } })
  assert(r.status === 200, `PUT cart/items/${skuId} answered ${r.status}: ${JSON.stringify(r.json)}`)
}

/** A page on a clean browser: no cookie and nothing kept in localStorage from another flow (guest cart, session hint). */
async function cleanPage(viewport) {
  await context.clearCookies()
  const page = await openPage()
  await page.setViewportSize(viewport)
  await page.goto(`${web}/404-clean`)
  await page.evaluate(() => localStorage.clear())
  return page
}

const line = (page, skuId) => page.locator(`[data-test=cart-line][data-sku="${skuId}"]`)
const total = async (page) => Number(await page.getAttribute('[data-test=checkout]', 'data-total'))

test('cart (phone): ticks, select all, stock warnings, and checkout of the ticked lines only', async () => {
  const adminToken = await nativeLoginSolving(adminAccount, adminPassword)
  const p = await productWith(adminToken, `E2E 勾选 ${unique()}`, [{ stock: 20, priceCents: 1000 }, { stock: 20, priceCents: 2000 }, { stock: 3, priceCents: 500 }])
  const gone = await productWith(adminToken, `E2E 下架 ${unique()}`, [{ stock: 20, priceCents: 700 }])
  const [a, b, c] = p.skus
  const d = gone.skus[0]
  const account = await newShopper()
  const token = await nativeLoginSolving(account, password)
  for (const [sku, q] of [[a, 1], [b, 2], [c, 2], [d, 1]]) await put(token, sku, q)
  const off = await call('POST', `/api/v1/admin/products/${gone.id}/shelf`, { token: adminToken, body: { onShelf: false } })
  assert(off.status === 200 || off.status === 204, `taking the product off shelf answered ${off.status}`)
  const address = await call('POST', '/api/v1/addresses', {
    token, body: { receiver: '王小二', phone: '13800138000', province: '广东省', city: '深圳市', district: '南山区', detail: '科技园 1 号', isDefault: true },
  })
  assert(address.status === 201, `creating an address answered ${address.status}`)

  const page = await cleanPage(phone)
  await uiLogin(page, account)
  await page.goto(`${web}/cart`)
  await line(page, d).waitFor()
  assert((await page.locator('[data-test=cart-line]').count()) === 4, 'the cart does not show its four lines')
  assert((await line(page, c).locator('[data-test=stock-warning]').textContent()).includes('库存仅剩 3 件'), 'no low-stock warning on the line with 3 left')
  assert((await line(page, d).locator('[data-test=stock-warning]').textContent()).includes('已下架'), 'no off-shelf warning')
  assert((await line(page, d).locator('[data-test=tick]').getAttribute('aria-disabled')) === 'true', 'an off-shelf line can be ticked')
  assert((await line(page, a).locator('[data-test=stock-warning]').count()) === 0, 'a line with plenty of stock shows a warning')
  assert((await page.getAttribute('[data-test=tick-all]', 'aria-checked')) === 'true', 'select all is not on at first')
  assert(await total(page) === 1000 + 4000 + 1000, `the ticked total is ${await total(page)}`)
  await shot(page, 'cart-ticks-phone')

  await line(page, b).locator('[data-test=tick]').click()
  await poll(async () => (await total(page)) === 2000, { message: 'the total without the unticked line' })
  assert((await page.getAttribute('[data-test=tick-all]', 'aria-checked')) === 'false', 'select all stays on with a line unticked')
  await page.click('[data-test=tick-all]')
  await poll(async () => (await total(page)) === 6000, { message: 'select all to tick every line' })
  await page.click('[data-test=tick-all]')
  await poll(async () => (await total(page)) === 0, { message: 'select all to untick every line' })
  assert(await page.isDisabled('[data-test=checkout] button'), 'checkout is possible with nothing ticked')
  await line(page, a).locator('[data-test=tick]').click()
  await line(page, c).locator('[data-test=tick]').click()
  await poll(async () => (await total(page)) === 2000, { message: 'the total of the two ticked lines' })

  await page.click('[data-test=checkout] button')
  await page.waitForURL(/\/checkout\?items=/)
  await page.waitForSelector('[data-test=checkout-line]')
  const previewed = await page.locator('[data-test=checkout-line]').evaluateAll((els) => els.map((e) => Number(e.dataset.sku)).sort((x, y) => x - y))
  assert(JSON.stringify(previewed) === JSON.stringify([a, c].sort((x, y) => x - y)), `checkout previews ${previewed}, not the ticked lines`)
  await page.waitForSelector('[data-test=checkout-address]')
  const placed = page.waitForResponse((r) => r.url().endsWith('/api/v1/orders') && r.request().method() === 'POST')
  await page.click('[data-test=place-order] button')
  const placedRes = await placed
  assert(placedRes.status() === 201, `placing the order answered ${placedRes.status()}: ${await placedRes.text()}`)
  const order = await call('GET', `/api/v1/orders/${(await placedRes.json()).orderNo}`, { token })
  const bought = (order.json?.items ?? []).map((i) => `${i.skuId}x${i.quantity}`).sort().join()
  assert(bought === [`${a}x1`, `${c}x2`].sort().join(), `the order holds ${bought}, not the ticked lines`)
  const left = await call('GET', '/api/v1/cart', { token })
  assert(JSON.stringify(left.json.lines.map((l) => l.skuId).sort((x, y) => x - y)) === JSON.stringify([b, d].sort((x, y) => x - y)),
    `the cart keeps ${JSON.stringify(left.json.lines.map((l) => l.skuId))} after buying the ticked lines`)

  // The last of a SKU sold: the line says 已售罄 and cannot be ticked.
  const sold = await call('PUT', `/api/v1/admin/skus/${b}/stock`, { token: adminToken, body: { stock: 0 } })
  assert(sold.status === 200, `setting the stock answered ${sold.status}: ${JSON.stringify(sold.json)}`)
  await page.goto(`${web}/cart`)
  await line(page, b).waitFor()
  await poll(async () => (await line(page, b).locator('[data-test=stock-warning]').textContent())?.includes('已售罄'), { message: 'the sold-out warning' })
  assert((await line(page, b).locator('[data-test=tick]').getAttribute('aria-disabled')) === 'true', 'a sold-out line can be ticked')
  await shot(page, 'cart-sold-out')
  await page.close()
  await context.clearCookies()
})

test('cart (desktop): a guest\'s cart lives in the browser, is merged at sign-in (capped, failures reported), and the total shows once', async () => {
  const adminToken = await nativeLoginSolving(adminAccount, adminPassword)
  const p = await productWith(adminToken, `E2E 访客 ${unique()}`, [{ stock: 20, priceCents: 1200 }, { stock: 5, priceCents: 300 }])
  const single = await productWith(adminToken, `E2E 单品 ${unique()}`, [{ stock: 20, priceCents: 990 }])
  const [e, f] = p.skus
  const g = single.skus[0]
  const account = await newShopper()
  const token = await nativeLoginSolving(account, password)
  await put(token, e, 5)

  const page = await cleanPage(desktop)
  const refreshes = []
  page.on('request', (r) => { if (r.url().includes('/api/v1/auth/refresh')) refreshes.push(r.url()) })
  // The guest adds G on its page, and had put E and F in the cart before.
  await page.evaluate(([e, f, pid]) => localStorage.setItem('mall.guestCart', JSON.stringify([{ skuId: e, productId: pid, quantity: 8 }, { skuId: f, productId: pid, quantity: 4 }])), [e, f, p.id])
  await page.goto(`${web}/products/${single.id}`)
  await page.waitForSelector('[data-test=add-to-cart]:not([disabled])')
  await page.click('[data-test=add-to-cart]')
  await poll(async () => (await page.evaluate(() => localStorage.getItem('mall.guestCart') ?? '')).includes(`"skuId":${g}`), { message: 'the guest cart to keep the added line' })
  await page.goto(`${web}/cart`)
  await line(page, g).waitFor()
  assert((await page.locator('[data-test=cart-line]').count()) === 3, 'the guest cart does not show its three lines')
  await page.waitForSelector('[data-test=guest-hint]')
  assert((await page.locator('.van-submit-bar__price').count()) === 1, 'the desktop cart shows its total more than once')
  const barText = await page.textContent('[data-test=checkout]')
  assert((barText.match(/¥/g) ?? []).length === 1, `the submit bar shows "${barText}"`)
  assert(refreshes.length === 0, `a guest asked to refresh ${refreshes.length} times`)
  await shot(page, 'cart-guest-desktop')

  // F sells out in part before the sign-in: its line cannot move, and the shopper is told.
  const less = await call('PUT', `/api/v1/admin/skus/${f}/stock`, { token: adminToken, body: { stock: 1 } })
  assert(less.status === 200, `setting the stock answered ${less.status}`)
  await page.click('[data-test=guest-login]')
  await page.waitForURL(/\/login/)
  await page.fill('input[name=account]', account)
  await page.fill('input[name=password]', password)
  await page.click('[data-test=login-submit]')
  await page.waitForURL(/\/cart$/)
  await page.waitForSelector(`[data-test=merge-failed][data-sku="${f}"]`)
  assert(await page.isVisible('[data-test=merge-capped]'), 'the capped line is not reported')
  await line(page, g).waitFor()
  const merged = await call('GET', '/api/v1/cart', { token })
  const q = Object.fromEntries(merged.json.lines.map((l) => [l.skuId, l.quantity]))
  assert(q[e] === 10 && q[g] === 1 && q[f] === undefined, `the account's cart after the merge: ${JSON.stringify(q)}`)
  assert((await page.evaluate(() => localStorage.getItem('mall.guestCart'))) === null, 'the guest cart is still kept after the merge')
  await shot(page, 'cart-merged')
  await page.close()
  await context.clearCookies()
})

test('addresses (phone, en): province/city/district come from the region picker, and an existing address edits correctly', async () => {
  const account = await newShopper()
  const token = await nativeLoginSolving(account, password)
  const existing = await call('POST', '/api/v1/addresses', {
    token, body: { receiver: '李小三', phone: '13900139000', province: '广东省', city: '深圳市', district: '南山区', detail: '科技园 2 号', isDefault: false },
  })
  assert(existing.status === 201, `creating an address answered ${existing.status}`)
  const page = await cleanPage(phone)
  await page.evaluate(() => localStorage.setItem('mall.locale', 'en'))
  await uiLogin(page, account)
  await page.goto(`${web}/account/addresses`)
  await page.click('[data-test=address] [data-test=address-edit]')
  await page.waitForSelector('[data-test=address-form]')
  assert((await page.inputValue('[data-test=address-form] input[name=region]')) === '广东省 / 深圳市 / 南山区', 'the existing region is not shown')
  assert((await page.getAttribute('[data-test=address-form] input[name=region]', 'readonly')) !== null, 'the region can be typed')
  assert((await page.locator('[data-test=address-form] input[name=province]').count()) === 0, 'the province is still a text field')
  await pickRegion(page, '浙江省', '杭州市', '西湖区')
  await shot(page, 'address-region-picked')
  const saved = page.waitForResponse((r) => r.url().includes('/api/v1/addresses/') && r.request().method() === 'PUT')
  await page.click('[data-test=address-save]')
  assert((await saved).ok(), 'saving the edited address failed')
  const list = await call('GET', '/api/v1/addresses', { token })
  const edited = list.json.find((x) => x.id === existing.json.id)
  assert(edited.province === '浙江省' && edited.city === '杭州市' && edited.district === '西湖区' && edited.detail === '科技园 2 号', `the address was saved as ${JSON.stringify(edited)}`)

  // A new address: saving without a region is refused in the form, then the picker fills it.
  await page.click('[data-test=add-address]')
  await page.waitForSelector('[data-test=address-form]')
  await page.fill('[data-test=address-form] input[name=receiver]', 'Wang')
  await page.fill('[data-test=address-form] input[name=phone]', '13800138000')
  await page.fill('[data-test=address-form] input[name=detail]', 'No. 1 Keji Road')
  await page.click('[data-test=address-save]')
  await page.waitForSelector('[data-test=address-form] .van-field__error-message')
  await pickRegion(page, '北京市', '北京市', '朝阳区')
  const created = page.waitForResponse((r) => r.url().endsWith('/api/v1/addresses') && r.request().method() === 'POST')
  await page.click('[data-test=address-save]')
  const createdRes = await created
  assert(createdRes.status() === 201, `creating the address answered ${createdRes.status()}`)
  const body = await createdRes.json()
  assert(body.province === '北京市' && body.city === '北京市' && body.district === '朝阳区' && body.receiver === 'Wang', `the address was saved as ${JSON.stringify(body)}`)
  await page.evaluate(() => localStorage.setItem('mall.locale', 'zh-CN'))
  await page.close()
  await context.clearCookies()
})

test('session: signing out in one tab signs out the other (BroadcastChannel)', async () => {
  const account = await newShopper()
  const first = await cleanPage(desktop)
  await uiLogin(first, account)
  const second = await openPage()
  await second.setViewportSize(phone)
  await second.goto(`${web}/orders`)
  await second.waitForSelector('[data-test=who]')
  await first.goto(`${web}/account`)
  await first.click('[data-test=logout]')
  await second.waitForURL(/\/login\?redirect=/)
  await second.waitForSelector('[data-test=nav-login]')
  await shot(second, 'signed-out-by-other-tab')
  await first.close()
  await second.close()
  await context.clearCookies()
})

test('a guest\'s walk through the shop makes no POST /auth/refresh and logs no 401', async () => {
  const page = await cleanPage(phone)
  const refreshes = []
  const unauthorized = []
  const errors = []
  page.on('request', (r) => { if (r.url().includes('/api/v1/auth/refresh')) refreshes.push(r.url()) })
  page.on('response', (r) => { if (r.status() === 401) unauthorized.push(r.url()) })
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()) })
  await page.goto(web)
  await page.waitForSelector('[data-test=product-card]')
  await page.click('[data-test=product-card] >> nth=0')
  await page.waitForSelector('[data-test=product-title]')
  for (const path of ['/products', '/cart', '/login', '/register', '/orders']) {
    await page.goto(`${web}${path}`)
    await page.waitForLoadState('networkidle')
  }
  assert(refreshes.length === 0, `a guest asked to refresh ${refreshes.length} times`)
  assert(unauthorized.length === 0, `a guest met 401s: ${unauthorized.join(', ')}`)
  assert(!errors.some((e) => /401|refresh/i.test(e)), `console errors: ${errors.join(' | ')}`)
  await page.close()
})
