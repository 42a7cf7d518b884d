// Catalog flows (issue 18 item 7): the two-level category page, the product gallery, home banners made in the
// console, and the sales count after a paid order. Phone (390×844) and desktop (1366×900), zh-CN and en.
import { deflateSync, crc32 } from 'node:zlib'
import {
  web, apiBase, adminAccount, adminPassword, test, unique, password, assert, poll, call, nativeLogin, newShopper, context, openPage, shot, uiLogin, payInSandbox,
} from '../harness.mjs'

const phone = { width: 390, height: 844 }
const desktop = { width: 1366, height: 900 }
const views = [['phone', phone], ['desktop', desktop]]

/** A solid-colour PNG (distinct colours are distinct files: the store names images by their content hash). */
function png(r, g, b, width = 40, height = 30) {
  const chunk = (type, data) => {
    const length = Buffer.alloc(4)
    length.writeUInt32BE(data.length)
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
    const crc = Buffer.alloc(4)
    crc.writeUInt32BE(crc32(body))
    return Buffer.concat([length, body, crc])
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header.set([8, 2, 0, 0, 0], 8)
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3).map((_, i) => [r, g, b][i % 3])])
  const pixels = Buffer.concat(Array.from({ length: height }, () => row))
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(pixels)), chunk('IEND', Buffer.alloc(0))])
}

async function uploadTo(path, token, buffer, name) {
  const form = new FormData()
  form.append('file', new Blob([buffer], { type: 'image/png' }), name)
  const res = await fetch(apiBase + path, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form })
  const json = await res.json().catch(() => null)
  assert(res.status === 201, `uploading to ${path} answered ${res.status}: ${JSON.stringify(json)}`)
  return json
}

async function setLanguage(page, language) {
  await page.evaluate((value) => localStorage.setItem('mall.locale', value), language)
}

let galleryProduct = null
/** A product of its own, on shelf, with two uploaded images, created once through the admin API. */
async function productWithTwoImages() {
  if (galleryProduct) return galleryProduct
  const token = await nativeLogin(adminAccount, adminPassword)
  const tree = await call('GET', '/api/v1/categories')
  const category = tree.json.categories.find((c) => c.children.length)?.children[0] ?? tree.json.categories[0]
  const created = await call('POST', '/api/v1/admin/products', {
    token,
    body: {
      categoryId: category.id, title: `图集测试 ${unique()}`, subtitle: '两张图', description: '',
      skus: [{ specs: { 颜色: '红' }, priceCents: 1990, stock: 50 }],
    },
  })
  assert(created.status === 201, `creating a product answered ${created.status}: ${JSON.stringify(created.json)}`)
  const id = created.json.id
  await uploadTo(`/api/v1/admin/products/${id}/images`, token, png(220, 30, 40), 'red.png')
  const images = await uploadTo(`/api/v1/admin/products/${id}/images`, token, png(30, 90, 220), 'blue.png')
  assert(images.images.length === 2, `the product has ${images.images.length} images`)
  galleryProduct = { id, categoryId: category.id, skuId: created.json.skus[0].id, images: images.images.map((i) => i.url) }
  return galleryProduct
}

/** A horizontal swipe as a finger makes it: touch events on the swipe's track (Vant's Swipe follows touches, not mouse drags). */
async function swipeLeft(page, selector) {
  await page.locator(`${selector} .van-swipe__track`).first().evaluate(async (track) => {
    const box = track.parentElement.getBoundingClientRect()
    const y = box.top + box.height / 2
    const fire = (type, x) => {
      const touch = new Touch({ identifier: 1, target: track, clientX: x, clientY: y })
      track.dispatchEvent(new TouchEvent(type, { touches: type === 'touchend' ? [] : [touch], changedTouches: [touch], bubbles: true, cancelable: true }))
    }
    fire('touchstart', box.left + box.width * 0.8)
    for (let step = 1; step <= 8; step++) {
      await new Promise((r) => requestAnimationFrame(r))
      fire('touchmove', box.left + box.width * (0.8 - step * 0.08))
    }
    fire('touchend', box.left + box.width * 0.16)
  })
}

test('catalog: the category page leads from a top category to a subcategory and its filtered list (phone and desktop, zh-CN and en)', async () => {
  const tree = (await call('GET', '/api/v1/categories')).json.categories
  const top = tree.find((c) => c.children.length >= 1)
  assert(top, 'the catalog has no top category with subcategories (is demo data seeded?)')
  const sub = top.children[0]
  const page = await openPage()
  for (const [language, allText] of [['zh-CN', `全部${top.name}`], ['en', `All ${top.name}`]]) {
    for (const [name, size] of views) {
      await page.setViewportSize(size)
      await page.goto(web)
      await setLanguage(page, language)
      await page.goto(`${web}/categories`)
      await page.waitForSelector('[data-test=category-top]')
      await page.locator('[data-test=category-top]', { hasText: top.name }).first().click()
      await page.waitForSelector(`[data-test=category-all]:has-text("${allText}")`)
      await shot(page, `categories-${name}-${language}`)
      await page.locator('[data-test=category-sub]', { hasText: sub.name }).first().click()
      await page.waitForURL(new RegExp(`/products\\?categoryId=${sub.id}$`))
      await page.waitForSelector('[data-test=product-card], [data-test=empty]')
      const expected = (await call('GET', `/api/v1/products?categoryId=${sub.id}&page=1&pageSize=12`)).json
      assert(expected.items.every((p) => p.categoryId === sub.id), 'the API listed products of another category')
      await poll(async () => (await page.locator('[data-test=product-card]').count()) === expected.items.length,
        { message: `${expected.items.length} product cards of ${sub.name}` })
      for (const p of expected.items) assert(await page.isVisible(`[data-test=product-card][href="/products/${p.id}"]`), `product ${p.id} is not in the list`)
      await shot(page, `categories-list-${name}-${language}`)
    }
  }
  // A top category's list holds its subcategories' products.
  await page.goto(`${web}/categories?id=${top.id}`)
  await page.click('[data-test=category-all]')
  await page.waitForURL(new RegExp(`/products\\?categoryId=${top.id}$`))
  const all = (await call('GET', `/api/v1/products?categoryId=${top.id}&page=1&pageSize=12`)).json
  assert(all.items.every((p) => top.children.some((c) => c.id === p.categoryId) || p.categoryId === top.id), 'a top category listed a stranger')
  await poll(async () => (await page.locator('[data-test=product-card]').count()) === all.items.length, { message: 'the top category list' })
  // The tab bar on a phone leads to the category page.
  await page.setViewportSize(phone)
  await page.goto(web)
  await page.click('.van-tabbar-item >> nth=1')
  await page.waitForURL(/\/categories/)
  await setLanguage(page, 'zh-CN')
  await page.close()
})

test('catalog: the product gallery swipes through two uploaded images and previews them full screen (phone and desktop)', async () => {
  const product = await productWithTwoImages()
  const page = await openPage()
  for (const [name, size] of views) {
    await page.setViewportSize(size)
    await page.goto(`${web}/products/${product.id}`)
    await page.waitForSelector('[data-test=gallery]')
    assert((await page.locator('[data-test=gallery-image] img').count()) >= 2, 'the gallery does not hold both images')
    const sources = await page.locator('[data-test=gallery-image] img').evaluateAll((imgs) => imgs.map((i) => new URL(i.src).pathname))
    for (const url of product.images) assert(sources.includes(url), `the gallery misses ${url}`)
    await poll(async () => (await page.textContent('[data-test=gallery-counter]'))?.trim() === '1/2', { message: 'the counter at 1/2' })
    await swipeLeft(page, '[data-test=gallery]')
    await poll(async () => (await page.textContent('[data-test=gallery-counter]'))?.trim() === '2/2', { message: 'the counter at 2/2 after a swipe' })
    await shot(page, `gallery-${name}`)
    await page.locator('[data-test=gallery-image][data-index="1"]').first().click()
    await page.waitForSelector('.van-image-preview', { state: 'visible' })
    await poll(async () => (await page.textContent('.van-image-preview__index'))?.replace(/\s/g, '') === '2/2', { message: 'the preview on the second image' })
    const previewed = await page.locator('.van-image-preview img').evaluateAll((imgs) => imgs.map((i) => new URL(i.src).pathname))
    for (const url of product.images) assert(previewed.includes(url), `the preview misses ${url}`)
    await shot(page, `gallery-preview-${name}`)
    await page.click('.van-image-preview__close-icon')
    await page.waitForSelector('.van-image-preview', { state: 'hidden' })
  }
  await page.close()
})

test('catalog: a banner made in the console shows on the home page and opens its target (zh-CN and en, phone and desktop)', async () => {
  const product = await productWithTwoImages()
  const title = `横幅 ${unique()}`
  const page = await openPage()
  await page.setViewportSize(desktop)
  await uiLogin(page, adminAccount, adminPassword)
  await page.goto(`${web}/admin/banners`)
  await page.waitForSelector('[data-test=banner-form]')
  const uploaded = page.waitForResponse((r) => r.url().endsWith('/api/v1/admin/banners/images') && r.request().method() === 'POST')
  await page.setInputFiles('[data-test=banner-file]', { name: 'banner.png', mimeType: 'image/png', buffer: png(250, 120, 10, 500, 200) })
  assert((await uploaded).status() === 201, 'the banner image upload failed')
  await page.waitForSelector('[data-test=banner-image-preview]')
  await page.fill('[data-test=banner-form] input[name=title]', title)
  await page.click('[data-test=banner-target-type] [data-value=product]')
  const targetId = page.locator('[data-test=banner-form] .el-input-number input').first()
  await targetId.fill(String(product.id))
  await targetId.blur()
  const saved = page.waitForResponse((r) => r.url().endsWith('/api/v1/admin/banners') && r.request().method() === 'POST')
  await page.click('[data-test=banner-save]')
  const savedRes = await saved
  assert(savedRes.status() === 201, `creating the banner answered ${savedRes.status()}: ${await savedRes.text()}`)
  const banner = await savedRes.json()
  assert(banner.targetType === 'product' && banner.targetId === product.id, `the banner links to ${banner.targetType} ${banner.targetId}`)
  await page.waitForSelector(`[data-test=banner-row][data-id="${banner.id}"]`)
  await shot(page, 'console-banners')

  for (const language of ['zh-CN', 'en']) {
    for (const [name, size] of views) {
      await page.setViewportSize(size)
      await setLanguage(page, language)
      await page.goto(web)
      const link = `[data-test=banner][data-banner-id="${banner.id}"]`
      await page.waitForSelector(link, { state: 'attached' })
      assert(await page.getAttribute('[data-test=banners]', 'aria-label'), 'the carousel has no accessible name')
      const slide = page.locator(`.van-swipe-item:has(${link})`).first()
      const label = await slide.getAttribute('aria-label')
      assert(label?.includes(title) && label.includes(language === 'en' ? 'Slide' : '第'), `the slide is named "${label}"`)
      assert((await page.getAttribute(link, 'href')) === `/products/${product.id}`, 'the banner does not link to its product')
      await shot(page, `home-banner-${name}-${language}`)
      await page.$eval(link, (a) => a.click())
      await page.waitForURL(new RegExp(`/products/${product.id}$`))
      await page.waitForSelector('[data-test=product-title]')
    }
  }
  await setLanguage(page, 'zh-CN')
  const token = await nativeLogin(adminAccount, adminPassword)
  assert((await call('DELETE', `/api/v1/admin/banners/${banner.id}`, { token })).status === 204, 'the banner could not be deleted')
  await page.close()
  await context.clearCookies()
})

test('catalog: the sales count shows on the product page and the list once an order is paid (zh-CN and en)', async () => {
  const product = await productWithTwoImages()
  const before = (await call('GET', `/api/v1/products/${product.id}`)).json.sales
  const account = await newShopper()
  const token = await nativeLogin(account, password)
  const address = await call('POST', '/api/v1/addresses', {
    token, body: { receiver: '王小二', phone: '13800138000', province: '广东省', city: '深圳市', district: '南山区', detail: '科技园 1 号', isDefault: true },
  })
  assert(address.status === 201, `adding an address answered ${address.status}: ${JSON.stringify(address.json)}`)
  const placed = await call('POST', '/api/v1/orders', {
    token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { items: [{ skuId: product.skuId, quantity: 2 }], addressId: address.json.id },
  })
  assert(placed.status === 201, `placing the order answered ${placed.status}: ${JSON.stringify(placed.json)}`)

  const page = await openPage()
  await page.setViewportSize(phone)
  await uiLogin(page, account)
  await payInSandbox(page, placed.json.orderNo)
  const sold = before + 2
  assert(sold < 1000, 'the test product sold too much for an exact count')

  for (const [language, text] of [['zh-CN', `已售 ${sold}`], ['en', `${sold} sold`]]) {
    for (const [name, size] of views) {
      await page.setViewportSize(size)
      await setLanguage(page, language)
      await page.goto(`${web}/products/${product.id}`)
      await poll(async () => (await page.textContent('[data-test=product-sales]').catch(() => ''))?.trim() === text,
        { message: `"${text}" on the product page` })
      // List pages are cached for up to a minute (a sale refreshes the product's own page, not every list page).
      const card = `[data-test=product-card][href="/products/${product.id}"] [data-test=product-sales]`
      await poll(async () => {
        await page.goto(`${web}/products?categoryId=${product.categoryId}&sort=sales`)
        await page.waitForSelector('[data-test=product-card]')
        return (await page.textContent(card, { timeout: 2_000 }).catch(() => ''))?.trim() === text
      }, { timeoutMs: 150_000, intervalMs: 3_000, message: `"${text}" on the list card` })
      await shot(page, `sales-${name}-${language}`)
    }
  }
  await setLanguage(page, 'zh-CN')
  await page.close()
  await context.clearCookies()
})
