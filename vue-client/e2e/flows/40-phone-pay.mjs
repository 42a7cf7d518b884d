// Paying on a phone (issue 18, item 4): WeChat Pay H5 in a phone browser, JSAPI inside WeChat (OAuth code → sandbox
// openid → WeixinJSBridge), Alipay WAP on a phone and Alipay page on a desktop, each through the sandbox's real wire
// formats and each coming back to the order's own page, which shows it paid. The desktop QR path is payInSandbox's.
import { web, test, assert, call, need, nativeLogin, newShopper, password, someSku, unique, context, openPage, shot, uiLogin } from '../harness.mjs'

const iphoneUa = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1'
const wechatUa = 'Mozilla/5.0 (Linux; Android 14; V2309A) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/116.0.0.0 Mobile Safari/537.36 ' +
  'XWEB/1160065 MMWEBSDK/20231202 MicroMessenger/8.0.47.2560(0x28002F35) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN'

/** A shopper with an order awaiting payment, placed through the API. */
async function shopperWithOrder() {
  const account = await newShopper()
  const token = await nativeLogin(account, password)
  await need('POST', '/api/v1/payments/wechat-oauth/openid', 'the WeChat OAuth code exchange', token)
  const { sku } = await someSku()
  const cart = await call('PUT', `/api/v1/cart/items/${sku.id}`, { token, body: { quantity: 1 } })
  assert(cart.status === 200, `adding to the cart answered ${cart.status}`)
  const address = await call('POST', '/api/v1/addresses', {
    token, body: { receiver: '李小龙', phone: '13800138000', province: '浙江省', city: '杭州市', district: '西湖区', detail: '文三路 1 号' },
  })
  assert(address.status === 201, `creating the address answered ${address.status}`)
  const placed = await call('POST', '/api/v1/orders', { token, body: { fromCart: true, addressId: address.json.id }, headers: { 'idempotency-key': unique() } })
  assert(placed.status === 201, `placing the order answered ${placed.status}: ${JSON.stringify(placed.json)}`)
  return { account, orderNo: placed.json.orderNo }
}

/**
 * A page that is a phone (or a desktop) to the shop: its own user agent (navigator.userAgent and the header, through
 * Chromium's emulation), viewport, language, and inside WeChat the WeixinJSBridge WeChat injects (the sandbox's).
 */
async function browserPage({ userAgent, width, height, english = false, inWeChat = false }) {
  // The browser profile is shared by every flow: the previous shopper's session would send /login elsewhere.
  await context.clearCookies()
  const page = await openPage()
  if (userAgent) {
    const cdp = await page.context().newCDPSession(page)
    await cdp.send('Emulation.setUserAgentOverride', { userAgent })
  }
  await page.setViewportSize({ width, height })
  if (english) await page.addInitScript(() => localStorage.setItem('mall.locale', 'en'))
  if (inWeChat) {
    const bridge = await fetch(`${web}/sandbox/wechatpay/jsbridge.js`)
    assert(bridge.status === 200, `the sandbox's WeixinJSBridge stand-in answered ${bridge.status}`)
    await page.addInitScript({ content: await bridge.text() })
  }
  return page
}

/**
 * The answer to the next POST to `path`, read as it passes through (the page leaves for the provider right after
 * it, and a response of a page that navigated away can no longer be read).
 */
function answerOf(page, path) {
  return new Promise((resolve, reject) => {
    let seen = false
    const handler = async (route) => {
      if (seen || route.request().method() !== 'POST') return route.fallback()
      seen = true
      try {
        const response = await route.fetch()
        const text = await response.text()
        await route.fulfill({ response, body: text })
        resolve({ status: response.status(), json: text ? JSON.parse(text) : null })
      } catch (e) {
        reject(e)
      }
    }
    page.route(`**${path}`, handler).catch(reject)
  })
}

/** Starts paying with the provider; returns the create-payment answer. */
async function startPaying(page, orderNo, provider) {
  await page.goto(`${web}/pay/${orderNo}`)
  await page.waitForSelector('[data-test=pay-start]')
  await page.click(`[data-test=provider-${provider}]`)
  const started = answerOf(page, `/api/v1/orders/${orderNo}/payments`)
  await page.click('[data-test=pay-start]')
  const { status, json } = await started
  assert(status === 201 || status === 200, `starting a ${provider} payment answered ${status}: ${JSON.stringify(json)}`)
  return json
}

/** At the sandbox cashier: confirm, see it paid, and be sent back by it. */
async function confirmAtCashier(page, name) {
  await page.waitForURL(/\/sandbox\/cashier\//, { timeout: 30_000 })
  await page.waitForSelector('[data-testid=sandbox-confirm-pay]')
  await shot(page, `${name}-cashier`)
  await page.click('[data-testid=sandbox-confirm-pay]')
  await page.waitForSelector('[data-testid=sandbox-result][data-state=Paid]', { timeout: 30_000 })
  await shot(page, `${name}-paid-at-provider`)
}

async function endsOnPaidOrderPage(page, orderNo, name) {
  await page.waitForURL((u) => u.pathname === `/orders/${orderNo}`, { timeout: 30_000 })
  await page.waitForSelector('[data-test=order-status][data-status=Paid]', { timeout: 30_000 })
  await shot(page, `${name}-order-paid`)
}

test('phone pay: WeChat Pay H5 in a phone browser (390×844) hands over with redirect_url and comes back to the paid order', async () => {
  const { account, orderNo } = await shopperWithOrder()
  const page = await browserPage({ userAgent: iphoneUa, width: 390, height: 844 })
  await uiLogin(page, account)
  const payment = await startPaying(page, orderNo, 'wechatpay')
  assert(payment.channel === 'h5' && typeof payment.h5Url === 'string', `a phone browser should get WeChat H5, got ${JSON.stringify(payment)}`)
  // The browser left for h5_url with the order page appended as redirect_url.
  const expectedReturn = encodeURIComponent(`${web}/orders/${orderNo}`)
  await page.waitForURL(/\/sandbox\//, { timeout: 30_000 })
  await confirmAtCashier(page, 'wechat-h5')
  const back = await page.getAttribute('[data-testid=sandbox-back]', 'href')
  assert(back === `${web}/orders/${orderNo}`, `the H5 cashier should return to ${decodeURIComponent(expectedReturn)}, not ${back}`)
  await endsOnPaidOrderPage(page, orderNo, 'wechat-h5')
  await page.close()
})

test('phone pay: WeChat JSAPI inside WeChat signs in through OAuth (sandbox openid), pays through WeixinJSBridge and shows the paid order', async () => {
  const { account, orderNo } = await shopperWithOrder()
  const page = await browserPage({ userAgent: wechatUa, width: 390, height: 844, inWeChat: true })
  await uiLogin(page, account)
  await page.goto(`${web}/pay/${orderNo}`)
  await page.waitForSelector('[data-test=pay-start]')
  await page.click('[data-test=provider-wechatpay]')
  const oauth = answerOf(page, `/api/v1/orders/${orderNo}/payments/wechat-oauth`)
  const exchanged = answerOf(page, '/api/v1/payments/wechat-oauth/openid')
  const created = answerOf(page, `/api/v1/orders/${orderNo}/payments`)
  await page.click('[data-test=pay-start]')
  const authorize = (await oauth).json
  assert(/\/connect\/oauth2\/authorize\?appid=.+&redirect_uri=.+&response_type=code&scope=snsapi_base&state=.+#wechat_redirect$/.test(authorize.authorizeUrl),
    `not WeChat's authorize URL: ${JSON.stringify(authorize)}`)
  const openId = await exchanged
  assert(openId.status === 200 && openId.json.openId?.startsWith('o'), `the code → openid exchange answered ${openId.status} ${JSON.stringify(openId.json)}`)
  const payment = (await created).json
  assert(payment.channel === 'jsapi' && payment.jsapi?.package?.startsWith('prepay_id='), `inside WeChat the payment should be JSAPI: ${JSON.stringify(payment)}`)
  // The bridge opens the sandbox's JSAPI cashier, which checks paySign first.
  await confirmAtCashier(page, 'wechat-jsapi')
  // Back on the pay page, which polls the payment, shows it paid and moves on to the order.
  await page.waitForURL((u) => u.pathname === `/pay/${orderNo}`, { timeout: 30_000 })
  await page.waitForSelector('[data-test=paid]', { timeout: 30_000 })
  await shot(page, 'wechat-jsapi-pay-page-paid')
  await endsOnPaidOrderPage(page, orderNo, 'wechat-jsapi')
  await page.close()
})

test('phone pay: Alipay WAP on a phone, in English, returns to the paid order page', async () => {
  const { account, orderNo } = await shopperWithOrder()
  const page = await browserPage({ userAgent: iphoneUa, width: 390, height: 844, english: true })
  try {
    await uiLogin(page, account)
    await page.goto(`${web}/pay/${orderNo}`)
    await page.waitForSelector('[data-test=pay-start]')
    const button = (await page.textContent('[data-test=pay-start]'))?.trim()
    assert(button === 'Pay now', `the English pay page should say "Pay now", not "${button}"`)
    const payment = await startPaying(page, orderNo, 'alipay')
    assert(payment.channel === 'wap' && payment.redirectUrl?.includes('method=alipay.trade.wap.pay'), `a phone should get Alipay WAP: ${JSON.stringify(payment)}`)
    assert(payment.redirectUrl.includes(`return_url=${encodeURIComponent(`${web}/orders/${orderNo}`)}`), `return_url is not the order page: ${payment.redirectUrl}`)
    await confirmAtCashier(page, 'alipay-wap')
    await endsOnPaidOrderPage(page, orderNo, 'alipay-wap')
    const status = (await page.textContent('[data-test=order-status]'))?.trim()
    assert(status === 'Paid', `the English order page should say "Paid", not "${status}"`)
    assert(new URL(page.url()).searchParams.get('method') === 'alipay.trade.wap.pay.return', `Alipay's return parameters are missing: ${page.url()}`)
  } finally {
    await page.evaluate(() => localStorage.removeItem('mall.locale')).catch(() => undefined)
    await page.close()
  }
})

test('desktop pay: Alipay page (1366×900) returns to the paid order page', async () => {
  const { account, orderNo } = await shopperWithOrder()
  const page = await browserPage({ width: 1366, height: 900 })
  await uiLogin(page, account)
  const payment = await startPaying(page, orderNo, 'alipay')
  assert(payment.channel === 'page' && payment.redirectUrl?.includes('method=alipay.trade.page.pay'), `a desktop should get Alipay page: ${JSON.stringify(payment)}`)
  await confirmAtCashier(page, 'alipay-page')
  await endsOnPaidOrderPage(page, orderNo, 'alipay-page')
  await page.close()
})
