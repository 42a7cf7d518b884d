// Operator console flows (Element Plus under /admin).
import {
  web, adminAccount, adminPassword, only, test, unique, password, assert, poll, call, need, nativeLogin, newShopper, serverNow, someSku, createActivity, context, openPage, shot, uiLogin, payInSandbox,
} from '../harness.mjs'

const elementPlusAsset = /\/assets\/(element-plus|ConsoleLayout)-/

/** Script and style assets a page fetched, with their text (to look inside the stylesheets). */
function assetsOf(page) {
  const seen = []
  page.on('response', async (r) => {
    if (!r.url().includes('/assets/')) return
    seen.push({ url: r.url(), text: /\.css$/.test(r.url()) ? await r.text().catch(() => '') : '' })
  })
  return seen
}

test('the shopper home loads no Element Plus and no console chunk; the console does', async () => {
  const page = await openPage()
  const assets = assetsOf(page)
  await page.goto(web)
  await page.waitForSelector('[data-test=brand]')
  await page.waitForLoadState('networkidle')
  assert(assets.length > 0, 'the home page fetched no assets')
  const leaked = assets.filter((a) => elementPlusAsset.test(a.url) || a.text.includes('--el-color-primary'))
  assert(leaked.length === 0, `the shopper home fetched console assets: ${leaked.map((a) => a.url).join(', ')}`)

  await uiLogin(page, adminAccount, adminPassword)
  assets.length = 0
  await page.goto(`${web}/admin`)
  await page.waitForSelector('[data-test=console]')
  await page.waitForLoadState('networkidle')
  assert(assets.some((a) => /\/assets\/element-plus-/.test(a.url)), `the console did not load Element Plus: ${assets.map((a) => a.url).join(', ')}`)
  await page.close()
  await context.clearCookies()
})

test('console: an admin gets it under /admin in Chinese (English on the shared switch); a shopper is refused', async () => {
  const page = await openPage()
  await uiLogin(page, await newShopper())
  await page.goto(`${web}/admin/orders`)
  await page.waitForURL(/\/forbidden$/)
  assert(!(await page.isVisible('[data-test=console]')), 'a shopper saw the console')
  await context.clearCookies()

  await uiLogin(page, adminAccount, adminPassword)
  await page.goto(`${web}/admin`)
  await page.waitForURL(/\/admin\/dashboard$/)
  await page.waitForSelector('[data-test=dashboard]')
  const menu = await page.textContent('[data-test=console]')
  assert(menu.includes('运营后台') && menu.includes('秒杀活动') && menu.includes('订单'), `the console is not in Chinese: ${menu.slice(0, 200)}`)
  assert(!(await page.isVisible('.van-tabbar')) && !(await page.isVisible('[data-test=brand]')), "the shop's header or tab bar shows in the console")
  await shot(page, 'console-dashboard')
  for (const path of ['products', 'categories', 'activities', 'orders', 'members']) {
    await page.click(`[data-test=console-menu-${path}]`)
    await page.waitForURL(new RegExp(`/admin/${path}$`))
    await page.waitForLoadState('networkidle')
    await shot(page, `console-${path}`)
  }
  // One language for the shop and its console: the switch here is the shop's, and the API answers in it.
  await page.click('[data-test=console-language]')
  await page.waitForSelector('[data-test=console-menu-orders]:has-text("Orders")')
  // A member that does not exist, opened by its link: the 404 is shown as the API worded it.
  const refused = page.waitForResponse((r) => r.url().endsWith('/api/v1/admin/members/999999999'))
  await page.goto(`${web}/admin/members?member=999999999`)
  const refusedRes = await refused
  assert((await refusedRes.request().headerValue('accept-language')) === 'en', 'the console did not ask for English')
  await page.waitForSelector('[data-test=problem]')
  const problem = await refusedRes.json()
  const shown = await page.textContent('[data-test=problem]')
  assert(shown.includes(problem.title) && (!problem.detail || shown.includes(problem.detail)), `the problem is not shown as sent: ${shown} vs ${JSON.stringify(problem)}`)
  assert(!/[\u4e00-\u9fa5]/.test(problem.title), `the API answered in Chinese after the switch to English: ${problem.title}`)
  await shot(page, 'console-member-problem-en')
  // The drawer covers the header: closed first, then the switch back to Chinese.
  await page.keyboard.press('Escape')
  await page.waitForURL((url) => !url.search.includes('member='))
  await page.waitForSelector('[data-test=member-drawer]', { state: 'hidden' })
  await page.click('[data-test=console-language]')
  await page.waitForSelector('[data-test=console-menu-orders]:has-text("订单")')
  await page.close()
  await context.clearCookies()
})

test('console: an admin creates a product with prices typed in yuan and sees it in the list', async () => {
  const page = await openPage()
  await uiLogin(page, adminAccount, adminPassword)
  await page.goto(`${web}/admin/products`)
  await page.waitForSelector('[data-test=product-table]')
  await page.click('[data-test=product-create]')
  await page.waitForSelector('[data-test=product-form]')
  // Nothing filled in: the API's field errors are shown as it wrote them (in Chinese, the console's language).
  const invalid = page.waitForResponse((r) => r.url().endsWith('/api/v1/admin/products') && r.request().method() === 'POST')
  await page.fill('[data-test=product-form] input[name="skus.0.price"]', '1')
  await page.click('[data-test=product-save]')
  const invalidRes = await invalid
  assert(invalidRes.status() === 400, `an empty product answered ${invalidRes.status()}`)
  await page.waitForSelector('[data-test=problem] [data-test=problem-field]')
  const fieldText = await page.textContent('[data-test=problem]')
  const sent = await invalidRes.json()
  const firstMessage = Object.values(sent.errors ?? {})[0]?.[0] ?? ''
  assert(firstMessage && fieldText.includes(firstMessage) && /[\u4e00-\u9fa5]/.test(firstMessage), `field errors not shown as sent: ${fieldText}`)
  await shot(page, 'console-product-problem')

  const title = `后台商品 ${unique()}`
  await page.click('[data-test=product-category]')
  const dropdown = page.locator('.el-cascader__dropdown:visible')
  await dropdown.locator('.el-cascader-node').first().click()
  await dropdown.locator('.el-cascader-menu').nth(1).locator('.el-cascader-node .el-radio').first().click()
  await page.keyboard.press('Escape')
  await page.fill('[data-test=product-form] input[name=title]', title)
  await page.fill('[data-test=product-form] input[name="skus.0.specs"]', '颜色:红')
  // A third decimal is refused on the spot, never rounded.
  await page.fill('[data-test=product-form] input[name="skus.0.price"]', '19.999')
  await page.waitForSelector('[data-test=yuan-error]')
  await page.fill('[data-test=product-form] input[name="skus.0.price"]', '19.99')
  await page.click('button:has-text("添加规格")')
  await page.fill('[data-test=product-form] input[name="skus.1.specs"]', '颜色:蓝')
  await page.fill('[data-test=product-form] input[name="skus.1.price"]', '0.1')
  const created = page.waitForResponse((r) => r.url().endsWith('/api/v1/admin/products') && r.request().method() === 'POST')
  await page.click('[data-test=product-save]')
  const createdRes = await created
  assert(createdRes.status() === 201, `create answered ${createdRes.status()}: ${await createdRes.text()}`)
  const { id } = await createdRes.json()
  const row = page.locator(`[data-test=product-row][data-id="${id}"]`)
  await row.waitFor()
  assert((await row.textContent()).includes(title), 'the new product is not in the list')
  const price = await page.locator('tr', { has: row }).locator('[data-test=product-price]').textContent()
  assert(price.includes('0.10'), `the list shows the lowest price as ${price}`)
  await shot(page, 'console-product-created')
  const detail = await call('GET', `/api/v1/products/${id}`)
  assert(detail.status === 200 && detail.json.skus.map((s) => s.priceCents).sort((a, b) => a - b).join() === '10,1999', `the shop sells it at ${JSON.stringify(detail.json?.skus)}`)
  await page.close()
  await context.clearCookies()
})

/** A product of its own for a console flow, created through the admin API (on shelf, one SKU in stock). */
async function freshProduct(adminToken, title) {
  const tree = await call('GET', '/api/v1/categories')
  const top = tree.json?.categories?.[0]
  assert(top, `no category to put a product in: ${JSON.stringify(tree.json)}`)
  const created = await call('POST', '/api/v1/admin/products', {
    token: adminToken,
    body: { categoryId: top.children?.[0]?.id ?? top.id, title, subtitle: null, description: null, images: [], skus: [{ specs: { 颜色: '白' }, priceCents: 990, stock: 20 }] },
  })
  assert(created.status === 201, `creating a product answered ${created.status}: ${JSON.stringify(created.json)}`)
  return created.json.id
}

/** Opens the console's product list searched by a title. */
async function findInConsole(page, title) {
  await page.goto(`${web}/admin/products`)
  await page.waitForSelector('[data-test=product-table]')
  await page.fill('input[data-test=product-search]', title)
  const searched = page.waitForResponse((r) => r.url().includes('/api/v1/admin/products?') && r.url().includes(`q=${encodeURIComponent(title)}`))
  await page.press('input[data-test=product-search]', 'Enter')
  assert((await searched).ok(), 'the admin product search failed')
}

test('console: an admin takes a product off shelf, finds it with the shelf filter "off" and puts it back on shelf', async () => {
  const adminToken = await nativeLogin(adminAccount, adminPassword)
  await need('GET', '/api/v1/admin/products?page=1&pageSize=1&lowStockThreshold=10', 'the admin product list', adminToken)
  const title = `E2E 下架 ${unique()}`
  const id = await freshProduct(adminToken, title)
  const page = await openPage()
  await uiLogin(page, adminAccount, adminPassword)
  await findInConsole(page, title)
  const row = page.locator('tr', { has: page.locator(`[data-test=product-row][data-id="${id}"]`) })
  await row.locator('[data-test=product-on-shelf]').waitFor()
  await row.locator('[data-test=product-take-off]').click()
  const off = page.waitForResponse((r) => r.url().endsWith(`/api/v1/admin/products/${id}/shelf`))
  await page.click('.el-message-box__btns .el-button--primary')
  assert((await off).ok(), 'taking it off shelf failed')
  await row.locator('[data-test=product-off-shelf]').waitFor()
  const shop = await call('GET', `/api/v1/products?page=1&pageSize=20&q=${encodeURIComponent(title)}`)
  assert(!(shop.json?.items ?? []).some((p) => p.id === id), 'the shop still lists the product taken off shelf')

  // A fresh list: the off-shelf product is found again through the shelf filter, and only off-shelf ones are listed.
  await page.goto(`${web}/admin/products`)
  await page.waitForSelector('[data-test=product-table]')
  await page.fill('input[data-test=product-search]', title)
  await page.click('[data-test=product-shelf]')
  const filtered = page.waitForResponse((r) => r.url().includes('/api/v1/admin/products?') && r.url().includes('shelf=off'))
  await page.click('[data-test=product-shelf-off]')
  assert((await filtered).ok(), 'the shelf filter failed')
  const found = page.locator('tr', { has: page.locator(`[data-test=product-row][data-id="${id}"]`) })
  await found.locator('[data-test=product-off-shelf]').waitFor()
  assert((await page.locator('[data-test=product-table] [data-test=product-on-shelf]').count()) === 0, 'the "off" filter lists products on shelf')
  await shot(page, 'console-products-off-shelf')
  const on = page.waitForResponse((r) => r.url().endsWith(`/api/v1/admin/products/${id}/shelf`))
  await found.locator('[data-test=product-put-on]').click()
  assert((await on).ok(), 'putting it back on shelf failed')
  await found.locator('[data-test=product-on-shelf]').waitFor()
  const detail = await call('GET', `/api/v1/admin/products/${id}`, { token: adminToken })
  assert(detail.json?.onShelf === true, `the product is not on shelf: ${JSON.stringify(detail.json)}`)
  await poll(async () => (await call('GET', `/api/v1/products/${id}`)).status === 200, { message: 'the shop to show the product again' })
  await page.close()
  await context.clearCookies()
})

// A 1×1 PNG (valid CRCs), small enough to keep in the test.
const tinyPng = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64')

test("console: an admin uploads a PNG to a product (a text file is refused with the server's problem); the shop's product page shows it", async () => {
  const adminToken = await nativeLogin(adminAccount, adminPassword)
  const title = `E2E 图片 ${unique()}`
  const id = await freshProduct(adminToken, title)
  await need('GET', `/api/v1/admin/products/${id}/images`, 'the product images', adminToken)
  const page = await openPage()
  await uiLogin(page, adminAccount, adminPassword)
  await findInConsole(page, title)
  const row = page.locator('tr', { has: page.locator(`[data-test=product-row][data-id="${id}"]`) })
  await row.locator('[data-test=product-edit]').click()
  await page.waitForSelector('[data-test=product-images]')
  assert((await page.locator('[data-test=product-image]').count()) === 0, 'a fresh product shows images')

  const refused = page.waitForResponse((r) => r.url().endsWith(`/api/v1/admin/products/${id}/images`) && r.request().method() === 'POST')
  await page.setInputFiles('[data-test=image-file]', { name: 'not-an-image.png', mimeType: 'image/png', buffer: Buffer.from('just some text, not a picture') })
  assert((await refused).status() === 415, 'a text file named .png was not refused with 415')
  await page.waitForSelector('[data-test=product-images] [data-test=problem][data-code="product.image_type"]')

  const uploaded = page.waitForResponse((r) => r.url().endsWith(`/api/v1/admin/products/${id}/images`) && r.request().method() === 'POST')
  await page.setInputFiles('[data-test=image-file]', { name: 'dot.png', mimeType: 'image/png', buffer: tinyPng })
  const uploadedRes = await uploaded
  assert(uploadedRes.status() === 201, `the upload answered ${uploadedRes.status()}: ${await uploadedRes.text()}`)
  const thumb = page.locator('[data-test=product-image]')
  await thumb.waitFor()
  assert(!(await page.isVisible('[data-test=product-images] [data-test=problem]')), 'the refusal is still shown after an upload that worked')
  const url = await thumb.getAttribute('data-url')
  assert(/^\/media\/products\/\d+\/[0-9a-f]{32}\.png$/.test(url), `the stored image is at ${url}`)
  await shot(page, 'console-product-image')

  await page.goto(`${web}/products/${id}`)
  await page.waitForSelector('[data-test=product-title]')
  const img = page.locator(`img[src="${url}"]`).first()
  await img.waitFor({ state: 'attached' })
  await poll(() => img.evaluate((el) => el.complete && el.naturalWidth === 1), { message: `the shop's product page to load ${url}` })
  await shot(page, 'product-uploaded-image')
  await page.close()
  await context.clearCookies()
})

test('console: an admin creates a seckill activity with the SKU picker and publishes it', async () => {
  await need('GET', '/api/v1/products', 'the catalog')
  const page = await openPage()
  await uiLogin(page, adminAccount, adminPassword)
  await page.goto(`${web}/admin/activities`)
  await page.waitForSelector('[data-test=activity-table]')
  await page.click('[data-test=activity-create]')
  await page.waitForSelector('[data-test=activity-form]')
  await page.click('[data-test=activity-pick-sku]')
  await page.click('[data-test=sku-picker-product] >> nth=0')
  await page.click('[data-test=sku-picker-pick]:not([disabled]) >> nth=0')
  await page.waitForSelector('[data-test=activity-picked]')
  const skuId = Number(await page.getAttribute('[data-test=activity-picked]', 'data-sku'))
  const title = `后台活动 ${unique()}`
  await page.fill('[data-test=activity-form] input[name=title]', title)
  await page.fill('[data-test=activity-form] input[name=price]', '0.99')
  await page.fill('[data-test=activity-form] input[name=stock]', '3')
  const created = page.waitForResponse((r) => r.url().endsWith('/api/v1/admin/seckill/activities') && r.request().method() === 'POST')
  await page.click('[data-test=activity-save]')
  const createdRes = await created
  assert(createdRes.status() === 201, `create answered ${createdRes.status()}: ${await createdRes.text()}`)
  const { id } = await createdRes.json()
  const row = page.locator('tr', { has: page.locator(`[data-test=activity-row][data-id="${id}"]`) })
  await row.locator('[data-test=activity-status][data-status=Draft]').waitFor()
  await shot(page, 'console-activity-draft')
  const published = page.waitForResponse((r) => r.url().endsWith(`/api/v1/admin/seckill/activities/${id}/publish`))
  await row.locator('[data-test=activity-publish]').click()
  assert((await published).ok(), 'publish failed')
  await row.locator('[data-test=activity-status][data-status=Scheduled]').waitFor()
  await row.locator('[data-test=activity-reconcile]').click()
  await page.waitForSelector('[data-test=reconcile-drift]')
  assert((await page.textContent('[data-test=reconcile-drift]')).trim() === '0', 'a fresh activity does not reconcile to 0')
  await shot(page, 'console-activity-published')
  const shown = await call('GET', `/api/v1/seckill/activities/${id}`)
  assert(shown.status === 200 && shown.json.title === title && shown.json.priceCents === 99 && shown.json.sku?.id === skuId && shown.json.stockLeft === 3,
    `the published activity is not what shoppers see (${shown.status} ${JSON.stringify(shown.json)})`)
  await page.close()
  await context.clearCookies()
})

test('console: an admin ships a paid order through the dialog; the return the shopper then asks for is rejected with a note', async () => {
  await need('GET', '/api/v1/admin/orders', 'the admin order list', await nativeLogin(adminAccount, adminPassword))
  // A paid order: a shopper buys through the API and pays in the sandbox.
  const account = await newShopper()
  const token = await nativeLogin(account, password)
  const { sku } = await someSku()
  const cart = await call('PUT', `/api/v1/cart/items/${sku.id}`, { token, body: { quantity: 1 } })
  assert(cart.status === 200, `adding to the cart answered ${cart.status}`)
  const address = await call('POST', '/api/v1/addresses', {
    token, body: { receiver: '王小二', phone: '13800138000', province: '广东省', city: '深圳市', district: '南山区', detail: '科技园 1 号' },
  })
  assert(address.status === 201, `creating the address answered ${address.status}`)
  const placed = await call('POST', '/api/v1/orders', { token, body: { fromCart: true, addressId: address.json.id }, headers: { 'idempotency-key': unique() } })
  assert(placed.status === 201, `placing the order answered ${placed.status}: ${JSON.stringify(placed.json)}`)
  const { orderNo } = placed.json
  const shopperPage = await openPage()
  await uiLogin(shopperPage, account)
  await payInSandbox(shopperPage, orderNo)
  await shopperPage.close()
  await context.clearCookies()

  const page = await openPage()
  await uiLogin(page, adminAccount, adminPassword)
  await page.goto(`${web}/admin/orders`)
  await page.click('[data-test=order-filter-Paid]')
  const row = page.locator('tr', { has: page.locator(`[data-test=order-row][data-order="${orderNo}"]`) })
  await row.locator('[data-test=order-status][data-status=Paid]').waitFor()
  await shot(page, 'console-orders-paid')
  await row.locator('[data-test=order-ship]').click()
  // The dialog asks for the carrier (picked from the common ones) and the tracking number; both go to the API.
  await page.waitForSelector('[data-test=ship-form]')
  await page.click('[data-test=ship-carrier]')
  await page.click('.el-select-dropdown__item:visible:has-text("顺丰速运")')
  const trackingNo = `SF${Date.now()}`
  await page.fill('[data-test=ship-form] input[name=trackingNo]', trackingNo)
  const shipped = page.waitForResponse((r) => r.url().endsWith(`/api/v1/admin/orders/${orderNo}/ship`))
  await page.click('[data-test=ship-submit]')
  const shippedRes = await shipped
  assert(shippedRes.ok(), `ship failed: ${shippedRes.status()} ${await shippedRes.text()}`)
  // What the API stored (the request body itself is not visible here: fetch streams it).
  const stored = await call('GET', `/api/v1/admin/orders/${orderNo}`, { token: await nativeLogin(adminAccount, adminPassword) })
  assert(stored.json?.shipment?.carrier === '顺丰速运' && stored.json?.shipment?.trackingNo === trackingNo, `the API stored ${JSON.stringify(stored.json?.shipment)}`)
  // Filtered by Paid, the shipped order leaves the list; under Shipped it is there.
  await row.waitFor({ state: 'detached' })
  await page.click('[data-test=order-filter-Shipped]')
  await row.locator('[data-test=order-status][data-status=Shipped]').waitFor()
  await shot(page, 'console-order-shipped')
  const order = await call('GET', `/api/v1/orders/${orderNo}`, { token })
  assert(order.json?.status === 'Shipped', `the shopper sees the order as ${order.json?.status}`)
  // Its detail shows the shipment as the operator typed it.
  await row.locator('[data-test=order-row]').click()
  await page.waitForSelector(`[data-test=order-detail][data-order="${orderNo}"]`)
  const shipment = await page.textContent('[data-test=order-detail-shipment]')
  assert(shipment.includes('顺丰速运') && shipment.includes(trackingNo), `the detail shows the shipment as ${shipment}`)

  // The shopper asks to return it; the operator rejects the request with a note, from the review queue.
  const requested = await call('POST', `/api/v1/orders/${orderNo}/after-sales`, {
    token, body: { reason: '尺码不合适', amountCents: order.json.totalCents, photoUrls: [] },
  })
  if (requested.status === 404 || requested.status === 405) {
    await page.close()
    await context.clearCookies()
    return
  }
  assert(requested.status === 201, `the return request answered ${requested.status}: ${JSON.stringify(requested.json)}`)
  const { afterSaleNo } = requested.json
  await page.goto(`${web}/admin/after-sales`)
  await page.click(`[data-test=after-sale-row][data-no="${afterSaleNo}"]`)
  await page.waitForSelector('[data-test=after-sale-detail][data-status=AwaitingReview]')
  await page.fill('[data-test=after-sale-review] textarea[name=note]', '商品已拆封，不支持退货')
  const rejected = page.waitForResponse((r) => r.url().endsWith(`/api/v1/admin/after-sales/${afterSaleNo}/reject`))
  await page.click('[data-test=after-sale-reject]')
  assert((await rejected).ok(), 'reject failed')
  await page.waitForSelector('[data-test=after-sale-detail][data-status=Rejected]')
  await shot(page, 'console-after-sale-rejected')
  const seen = await call('GET', `/api/v1/after-sales/${afterSaleNo}`, { token })
  assert(seen.json?.status === 'Rejected' && seen.json?.reviewNote === '商品已拆封，不支持退货', `the shopper sees ${JSON.stringify(seen.json)}`)
  await page.close()
  await context.clearCookies()
})

/** A pending order of a new shopper, placed through the API. */
async function pendingOrder() {
  const account = await newShopper()
  const token = await nativeLogin(account, password)
  const { sku } = await someSku()
  const cart = await call('PUT', `/api/v1/cart/items/${sku.id}`, { token, body: { quantity: 1 } })
  assert(cart.status === 200, `adding to the cart answered ${cart.status}`)
  const address = await call('POST', '/api/v1/addresses', {
    token, body: { receiver: '李小三', phone: '13900139000', province: '浙江省', city: '杭州市', district: '西湖区', detail: '文三路 2 号' },
  })
  assert(address.status === 201, `creating the address answered ${address.status}`)
  const placed = await call('POST', '/api/v1/orders', { token, body: { fromCart: true, addressId: address.json.id }, headers: { 'idempotency-key': unique() } })
  assert(placed.status === 201, `placing the order answered ${placed.status}: ${JSON.stringify(placed.json)}`)
  return { account, token, orderNo: placed.json.orderNo }
}

test('console: the orders search finds an order by its number; its detail takes a remark and closes it with a reason', async () => {
  await need('GET', '/api/v1/admin/orders/0', 'the admin order detail', await nativeLogin(adminAccount, adminPassword))
  const { orderNo, token } = await pendingOrder()
  const page = await openPage()
  await uiLogin(page, adminAccount, adminPassword)
  await page.goto(`${web}/admin/orders`)
  await page.waitForSelector('[data-test=order-table]')
  await page.fill('[data-test=order-search] input[name=orderNo]', orderNo)
  const searched = page.waitForResponse((r) => r.url().includes('/api/v1/admin/orders?') && r.url().includes(`orderNo=${orderNo}`))
  await page.click('[data-test=order-search-submit]')
  assert((await searched).ok(), 'the search failed')
  await page.waitForFunction((no) => {
    const rows = [...document.querySelectorAll('[data-test=order-row]')]
    return rows.length === 1 && rows[0].getAttribute('data-order') === no
  }, orderNo)
  assert((await page.textContent('[data-test=list-total]')).includes('1'), 'the total does not say 1')
  await page.click(`[data-test=order-row][data-order="${orderNo}"]`)
  await page.waitForSelector(`[data-test=order-detail][data-order="${orderNo}"] [data-test=order-detail-status][data-status=PendingPayment]`)
  assert((await page.textContent('[data-test=order-drawer]')).includes('李小三'), 'the detail does not show the address')
  await page.fill('[data-test=order-remark-form] input[name=remark]', '买家来电要求改地址')
  const remarked = page.waitForResponse((r) => r.url().endsWith(`/api/v1/admin/orders/${orderNo}/remarks`))
  await page.click('[data-test=order-remark-add]')
  assert((await remarked).status() === 201, 'the remark was not added')
  await page.waitForSelector('[data-test=order-remarks] li:has-text("买家来电要求改地址")')
  await page.click('[data-test=order-close]')
  await page.fill('[data-test=order-close-form] input[name=reason]', '买家要求关闭')
  const closed = page.waitForResponse((r) => r.url().endsWith(`/api/v1/admin/orders/${orderNo}/close`))
  await page.click('[data-test=order-close-submit]')
  assert((await closed).ok(), 'close failed')
  await page.waitForSelector('[data-test=order-detail-status][data-status=Cancelled]')
  await page.waitForSelector('[data-test=order-timeline] :text("买家要求关闭")')
  await shot(page, 'console-order-detail-closed')
  const order = await call('GET', `/api/v1/orders/${orderNo}`, { token })
  assert(order.json?.status === 'Cancelled', `the shopper sees the order as ${order.json?.status}`)
  await page.close()
  await context.clearCookies()
})

test("console: the dashboard is the console's home and shows today's figures", async () => {
  const adminToken = await nativeLogin(adminAccount, adminPassword)
  await need('GET', '/api/v1/admin/dashboard', 'the dashboard', adminToken)
  const before = await call('GET', '/api/v1/admin/dashboard', { token: adminToken })
  const page = await openPage()
  await uiLogin(page, adminAccount, adminPassword)
  await page.goto(`${web}/admin`)
  await page.waitForURL(/\/admin\/dashboard$/)
  await page.waitForSelector('[data-test=dashboard]')
  const shown = Number(await page.getAttribute('[data-test=dashboard-orders]', 'data-value'))
  // Figures only grow while the suite runs; finished hours are cached, the current one is not.
  assert(shown >= before.json.today.ordersCreated && shown > 0, `today's orders shown as ${shown}, the API said ${before.json.today.ordersCreated}`)
  const paidCents = Number(await page.getAttribute('[data-test=dashboard-gmv]', 'data-value'))
  assert(paidCents >= before.json.today.paidCents, `today's GMV shown as ${paidCents} cents`)
  assert((await page.textContent('[data-test=dashboard-gmv]')).includes('¥'), 'the GMV is not in yuan')
  assert(/%/.test(await page.textContent('[data-test=dashboard-conversion]')), 'the conversion is not a percentage')
  assert((await page.locator('[data-test=dashboard-days] tbody tr').count()) === before.json.days.length, 'the 7-day table has the wrong number of rows')
  await shot(page, 'console-dashboard-today')
  await page.close()
  await context.clearCookies()
})

test('console: an admin cancels a live activity after confirming; the live panel shows it', async () => {
  const adminToken = await nativeLogin(adminAccount, adminPassword)
  await need('GET', '/api/v1/admin/seckill/live?recentMinutes=60', 'the live panel', adminToken)
  const title = `E2E 取消 ${unique()}`
  const { id, startsAt } = await createActivity(adminToken, { startsInMs: 1_500, stock: 2, title })
  while ((await serverNow()) < startsAt + 300) await new Promise((r) => setTimeout(r, 200))
  const page = await openPage()
  await uiLogin(page, adminAccount, adminPassword)
  await page.goto(`${web}/admin/activities`)
  const row = page.locator('tr', { has: page.locator(`[data-test=activity-row][data-id="${id}"]`) })
  await row.locator('[data-test=activity-status][data-status=Live]').waitFor()
  await page.waitForSelector(`[data-test=live-panel] [data-test=live-row][data-id="${id}"]`)
  await shot(page, 'console-activity-live')
  await row.locator('[data-test=activity-cancel]').click()
  await page.waitForSelector('.el-message-box')
  assert((await page.textContent('.el-message-box')).includes(title), 'the confirmation does not name the activity')
  const cancelled = page.waitForResponse((r) => r.url().endsWith(`/api/v1/admin/seckill/activities/${id}/cancel`))
  await page.click('.el-message-box__btns .el-button--primary')
  const cancelledRes = await cancelled
  assert(cancelledRes.ok(), `cancel answered ${cancelledRes.status()}`)
  await row.locator('[data-test=activity-status][data-status=Cancelled]').waitFor()
  const shopper = await call('GET', `/api/v1/seckill/activities/${id}`)
  assert(shopper.status === 410 || shopper.status === 404 || shopper.json?.status !== 'Live', `shoppers still see it live: ${shopper.status} ${JSON.stringify(shopper.json)}`)
  await page.close()
  await context.clearCookies()
})

test('console: an admin finds a member by account, opens the detail and disables then enables the account from the row', async () => {
  const adminToken = await nativeLogin(adminAccount, adminPassword)
  await need('GET', '/api/v1/admin/members?match=prefix&page=1&pageSize=1', 'the member list', adminToken)
  const account = await newShopper()
  const page = await openPage()
  await uiLogin(page, adminAccount, adminPassword)
  await page.goto(`${web}/admin/members`)
  await page.waitForSelector('[data-test=member-table]')
  await page.fill('[data-test=member-search] input[name=account]', account)
  await page.click('[data-test=member-search-submit]')
  const link = page.locator('[data-test=member-row]', { hasText: account })
  await link.waitFor()
  const row = page.locator('tr', { has: link })
  await row.locator('[data-test=member-disable]').click()
  const disabled = page.waitForResponse((r) => /\/api\/v1\/admin\/accounts\/\d+\/disable$/.test(r.url()))
  await page.click('.el-message-box__btns .el-button--primary')
  assert((await disabled).ok(), 'disable failed')
  await row.locator('[data-test=member-state][data-disabled=true]').waitFor()
  await row.locator('[data-test=member-enable]').click()
  await row.locator('[data-test=member-state][data-disabled=false]').waitFor()
  await link.click()
  await page.waitForSelector('[data-test=member-detail]')
  assert((await page.textContent('[data-test=member-drawer]')).includes(account), 'the detail does not show the account')
  await shot(page, 'console-member-detail')
  await page.close()
  await context.clearCookies()
})

// Last: it leaves this address past its sign-in failure threshold (the flows above sign in without a challenge).
