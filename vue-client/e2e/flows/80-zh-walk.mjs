// The zh-CN walk (issue 18): the main pages and the error paths a shopper meets, in Chinese, with no English sentence
// from the server anywhere on screen; then the same walk in English, where the server's words are English.
import {
  web, adminAccount, adminPassword, test, unique, password, assert, call, nativeLogin, newShopper, someSku, createActivity,
  context, openPage, shot, uiLogin,
} from '../harness.mjs'

// Three ASCII words in a row ("The product was", "must be between") is an English sentence; a brand or a unit is not.
const englishRun = /[A-Za-z][A-Za-z'’-]*(?:[ ,]+[A-Za-z][A-Za-z'’-]*){2,}/g

// Content, not a message: the demo seckill activity's title is bilingual on purpose.
const content = [/Demo flash sale/g]
const visibleText = async (page) => content.reduce((text, words) => text.replace(words, ''), await page.evaluate(() => document.body.innerText))

async function setLanguage(page, language) {
  await page.goto(`${web}/`)
  await page.waitForSelector('[data-test=language]')
  const current = await page.evaluate(() => document.documentElement.lang || 'zh-CN')
  if (current !== language) {
    await page.click('[data-test=language]')
    await page.waitForFunction((lang) => document.documentElement.lang === lang, language)
  }
}

/** Walks the pages and the error paths; returns the visible text of each step by name. */
async function walk(page, language) {
  const seen = {}
  const look = async (name) => {
    seen[name] = await visibleText(page)
    await shot(page, `walk-${language}-${name}`)
  }

  // Pages anyone sees.
  await page.goto(`${web}/`)
  await page.waitForSelector('[data-test=product-card]')
  await look('home')
  await page.click('[data-test=product-card] >> nth=0')
  await page.waitForSelector('[data-test=product-title]')
  await look('product')
  await page.goto(`${web}/products/987654321`)
  await page.waitForSelector('[data-test=error], [data-test=empty]')
  await look('missing-product')

  // A bad sign-in and a bad registration.
  await page.goto(`${web}/login`)
  await page.fill('input[name=account]', `nobody-${unique()}@example.com`)
  await page.fill('input[name=password]', 'wrong-password-1')
  await page.click('[data-test=login-submit]')
  await page.waitForSelector('[data-test=form-error]')
  await look('bad-sign-in')
  await page.goto(`${web}/register`)
  await page.fill('input[name=account]', 'not-an-account')
  await page.fill('input[name=password]', '12345678')
  await page.click('[data-test=register-submit]')
  await page.waitForSelector('.van-field__error-message')
  await look('bad-registration')

  // Signed in: cart, orders, account; a quantity over the limit and one over the stock.
  const account = await newShopper()
  const token = await nativeLogin(account, password)
  const address = await call('POST', '/api/v1/addresses', {
    token, body: { receiver: '李雷', phone: '13800138000', province: '上海市', city: '上海市', district: '浦东新区', detail: '世纪大道 1 号' },
  })
  assert(address.status === 201 || address.status === 200, `creating an address answered ${address.status}`)
  await uiLogin(page, account)
  const { sku } = await someSku()
  await page.goto(`${web}/checkout?skuId=${sku.id}&quantity=99999`)
  await page.waitForSelector('[data-test=error], [data-test=line-problem]')
  await look('too-big-quantity')
  await page.goto(`${web}/checkout?skuId=${sku.id}&quantity=9999`)
  await page.waitForSelector('[data-test=error], [data-test=line-problem]')
  await look('insufficient-stock')
  await page.goto(`${web}/cart`)
  await page.waitForSelector('[data-test=empty], [data-test=cart-line]')
  await look('cart')

  // Cancel an order.
  const placed = await call('POST', '/api/v1/orders', {
    token, headers: { 'idempotency-key': `walk-${unique()}` }, body: { items: [{ skuId: sku.id, quantity: 1 }], addressId: address.json.id },
  })
  assert(placed.status === 201, `placing an order answered ${placed.status}: ${JSON.stringify(placed.json)}`)
  await page.goto(`${web}/orders/${placed.json.orderNo}`)
  await page.click('[data-test=cancel-order]')
  await page.waitForSelector('.van-dialog', { state: 'visible' })
  await page.click('[data-test=cancel-reason-changedMind]')
  await page.click('.van-dialog .van-dialog__confirm')
  await page.waitForSelector('[data-test=order-status][data-status=Cancelled]')
  await look('cancelled-order')
  // Cancelling it again (a second tab that still showed the button) meets the server's refusal.
  const again = await page.evaluate(async (orderNo) => {
    const app = document.querySelector('#app').__vue_app__
    const auth = app.config.globalProperties.$pinia._s.get('auth')
    const lang = document.documentElement.lang || 'zh-CN'
    const r = await fetch(`/api/v1/orders/${orderNo}/cancel`, { method: 'POST', headers: { authorization: `Bearer ${auth.accessToken}`, 'accept-language': lang } })
    return r.json()
  }, placed.json.orderNo)
  seen['cancel-again'] = `${again.title ?? ''} ${again.detail ?? ''}`
  await page.goto(`${web}/orders`)
  await page.waitForSelector('[data-test=order-status], [data-test=empty]')
  await look('orders')
  await page.goto(`${web}/account`)
  await page.waitForSelector('[data-test=profile]')
  await look('account')

  // The per-user limit: won once already (through the API), then tried on the page.
  const adminToken = await nativeLogin(adminAccount, adminPassword)
  const { id } = await createActivity(adminToken, { startsInMs: 1_000, stock: 5, title: `走查 ${unique()}` })
  let tok
  for (const deadline = Date.now() + 15_000; Date.now() < deadline;) {
    tok = await call('POST', `/api/v1/seckill/activities/${id}/token`, { token })
    if (tok.status !== 425) break
    await new Promise((r) => setTimeout(r, 250))
  }
  assert(tok.status === 200, `token answered ${tok.status}`)
  const first = await call('POST', `/api/v1/seckill/activities/${id}/attempts`, { token, body: { token: tok.json.token, quantity: 1 } })
  assert(first.status === 202, `the first attempt answered ${first.status}`)
  // This browser must not know of the win (the server says it); the language choice stays.
  await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('mall.seckill.won')).forEach((k) => localStorage.removeItem(k)))
  await page.goto(`${web}/seckill/${id}`)
  await page.waitForSelector('[data-test=seckill-button][data-state=ready]')
  await page.click('[data-test=seckill-button]')
  await page.waitForSelector('[data-test=seckill-message]')
  // The refusal stays, and the page, told by the server what this shopper holds, offers to pay for it.
  await page.waitForSelector('[data-test=seckill-button][data-state=won-pay]')
  await look('limit-reached')
  return seen
}

test('zh-CN walk: main pages and error paths show no English sentence from the server (phone)', async () => {
  const page = await openPage()
  await page.setViewportSize({ width: 390, height: 844 })
  await setLanguage(page, 'zh-CN')
  const seen = await walk(page, 'zh')
  const english = Object.entries(seen).flatMap(([step, text]) => (text.match(englishRun) ?? []).map((m) => `${step}: "${m}"`))
  assert(english.length === 0, `English on the Chinese pages: ${english.join(' | ')}`)
  for (const step of ['bad-sign-in', 'bad-registration', 'missing-product', 'limit-reached', 'cancel-again'])
    assert(/[\u4e00-\u9fff]/.test(seen[step]), `${step} shows no Chinese: ${seen[step].slice(0, 200)}`)
  await page.setViewportSize({ width: 1280, height: 860 })
  await page.close()
  await context.clearCookies()
})

test('en walk: the same pages and error paths are in English (desktop)', async () => {
  const page = await openPage()
  await page.setViewportSize({ width: 1366, height: 900 })
  await setLanguage(page, 'en')
  try {
    const seen = await walk(page, 'en')
    // The server's words are English here: each error path shows an English sentence.
    for (const step of ['bad-sign-in', 'bad-registration', 'too-big-quantity', 'cancel-again', 'limit-reached'])
      assert(new RegExp(englishRun.source).test(seen[step]), `${step} is not in English: ${seen[step].slice(0, 200)}`)
    assert(/incorrect/i.test(seen['bad-sign-in']), `the bad sign-in reads: ${seen['bad-sign-in'].slice(0, 200)}`)
  } finally {
    await setLanguage(page, 'zh-CN')
    await page.setViewportSize({ width: 1280, height: 860 })
    await page.close()
    await context.clearCookies()
  }
})
