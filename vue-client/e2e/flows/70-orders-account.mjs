// Orders and account (issue 18 items 8 and 9): cancel with a reason, the timeline on a phone, after-sales, points
// history in the shopper's language, no raw role, change password ending other sign-ins, and the seckill page knowing
// a sale already won (second tab) and showing the challenge's progress.
import { chromium } from 'playwright-core'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  web, adminAccount, adminPassword, test, unique, password, assert, poll, call, need, nativeLogin, newShopper, someSku, createActivity,
  context, openPage, shot, uiLogin, payInSandbox,
} from '../harness.mjs'

const phone = { width: 390, height: 844 }
const desktop = { width: 1366, height: 900 }

/** A shopper with an address and one unpaid order of a SKU in stock, arranged through the API. */
async function shopperWithOrder() {
  const account = await newShopper()
  const token = await nativeLogin(account, password)
  const address = await call('POST', '/api/v1/addresses', {
    token, body: { receiver: '王小二', phone: '13800138000', province: '广东省', city: '深圳市', district: '南山区', detail: '科技园 1 号' },
  })
  assert(address.status === 201 || address.status === 200, `creating an address answered ${address.status}: ${JSON.stringify(address.json)}`)
  const { sku } = await someSku()
  const placed = await call('POST', '/api/v1/orders', {
    token, headers: { 'idempotency-key': `e2e-${unique()}` }, body: { items: [{ skuId: sku.id, quantity: 1 }], addressId: address.json.id },
  })
  assert(placed.status === 201, `placing an order answered ${placed.status}: ${JSON.stringify(placed.json)}`)
  return { account, token, orderNo: placed.json.orderNo }
}

const boxesOverlap = (a, b) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height

/** Every timestamp of the timeline lies inside the viewport and overlaps no other step's text. */
async function timelineReadable(page, viewport) {
  const steps = page.locator('[data-test=timeline-step]')
  const count = await steps.count()
  assert(count >= 2, `the timeline has ${count} steps`)
  const boxes = []
  for (let i = 0; i < count; i++) boxes.push(await steps.nth(i).boundingBox())
  const times = page.locator('[data-test=timeline-time]')
  const timeBoxes = []
  for (let i = 0; i < await times.count(); i++) timeBoxes.push(await times.nth(i).boundingBox())
  assert(timeBoxes.length >= 2, `only ${timeBoxes.length} timestamps are shown`)
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++)
      assert(!boxesOverlap(boxes[i], boxes[j]), `timeline steps ${i} and ${j} overlap at ${viewport.width}px: ${JSON.stringify([boxes[i], boxes[j]])}`)
  for (let i = 0; i < timeBoxes.length; i++) {
    const b = timeBoxes[i]
    assert(b.x >= 0 && b.x + b.width <= viewport.width + 1, `timestamp ${i} leaves the screen at ${viewport.width}px: ${JSON.stringify(b)}`)
    for (let j = i + 1; j < timeBoxes.length; j++) assert(!boxesOverlap(b, timeBoxes[j]), `timestamps ${i} and ${j} overlap at ${viewport.width}px`)
  }
}

test('orders: cancelling asks first and takes a reason, which the order and the console show (phone)', async () => {
  await need('POST', '/api/v1/orders/preview', 'orders')
  const { account, orderNo } = await shopperWithOrder()
  const page = await openPage()
  await page.setViewportSize(phone)
  await uiLogin(page, account)
  await page.goto(`${web}/orders/${orderNo}`)
  await page.waitForSelector('[data-test=order-status][data-status=PendingPayment]')
  // Asked first: "keep it" changes nothing.
  await page.click('[data-test=cancel-order]')
  await page.waitForSelector('.van-dialog', { state: 'visible' })
  await shot(page, 'cancel-dialog-phone')
  await page.click('.van-dialog .van-dialog__cancel')
  await page.waitForSelector('.van-dialog', { state: 'hidden' })
  assert(await page.isVisible('[data-test=order-status][data-status=PendingPayment]'), 'closing the dialog cancelled the order')

  await page.click('[data-test=cancel-order]')
  await page.waitForSelector('.van-dialog', { state: 'visible' })
  await page.click('[data-test=cancel-reason-other]')
  await page.fill('[data-test=cancel-reason-text] textarea', '收货地址填错了，重新下单')
  const cancelled = page.waitForResponse((r) => r.url().includes(`/api/v1/orders/${orderNo}/cancel`))
  await page.click('.van-dialog .van-dialog__confirm')
  const res = await cancelled
  assert(res.status() === 200, `cancel answered ${res.status()}`)
  await page.waitForSelector('[data-test=order-status][data-status=Cancelled]')
  assert((await page.textContent('[data-test=cancel-note]')).includes('收货地址填错了'), 'the order does not show its cancel reason')
  await shot(page, 'cancelled-with-reason-phone')

  const admin = await nativeLogin(adminAccount, adminPassword)
  const detail = await call('GET', `/api/v1/admin/orders/${orderNo}`, { token: admin })
  const event = (detail.json?.timeline ?? []).find((e) => e.event === 'cancelled')
  assert(event?.note === '收货地址填错了，重新下单', `the console's timeline shows ${JSON.stringify(event)}`)
  await page.setViewportSize({ width: 1280, height: 860 })
  await page.close()
  await context.clearCookies()
})

test('orders: a paid, shipped order has a readable timeline on a phone and a desktop; a refund is asked, shown and withdrawn; points are worded', async () => {
  const { account, token, orderNo } = await shopperWithOrder()
  const page = await openPage()
  await uiLogin(page, account)
  await payInSandbox(page, orderNo)
  const admin = await nativeLogin(adminAccount, adminPassword)
  const shipped = await call('POST', `/api/v1/admin/orders/${orderNo}/ship`, { token: admin, body: { carrier: '顺丰速运', trackingNo: `SF${Date.now()}` } })
  assert(shipped.status === 200, `shipping answered ${shipped.status}: ${JSON.stringify(shipped.json)}`)

  for (const viewport of [phone, desktop]) {
    await page.setViewportSize(viewport)
    await page.goto(`${web}/orders/${orderNo}`)
    await page.waitForSelector('[data-test=order-status][data-status=Shipped]')
    await page.waitForSelector('[data-test=timeline-time] >> nth=2')
    await timelineReadable(page, viewport)
    await shot(page, `timeline-${viewport.width}`)
  }

  // After-sale on the phone: ask for part of the money back, see it waiting for review, withdraw it.
  await page.setViewportSize(phone)
  await page.click('[data-test=after-sale-entry]')
  await page.waitForURL(new RegExp(`/orders/${orderNo}/after-sale$`))
  await page.fill('[data-test=after-sale-reason] textarea', '外包装破损')
  await page.fill('[data-test=after-sale-amount] input', '0.01')
  await shot(page, 'after-sale-request-phone')
  await page.click('[data-test=after-sale-submit]')
  await page.waitForURL(/\/after-sales\/[^/]+$/)
  await page.waitForSelector('[data-test=after-sale-status][data-status=AwaitingReview]')
  assert((await page.textContent('[data-test=after-sale-status]')).includes('待审核'), 'the state is not worded in Chinese')
  assert((await page.textContent('[data-test=after-sale-reason-shown]')).includes('外包装破损'), 'the reason is not shown')
  await shot(page, 'after-sale-phone')
  await page.goto(`${web}/orders/${orderNo}`)
  await page.waitForSelector('[data-test=after-sale-view]')
  await page.click('[data-test=after-sale-view]')
  await page.waitForSelector('[data-test=after-sale-cancel]')
  await page.click('[data-test=after-sale-cancel]')
  await page.waitForSelector('.van-dialog', { state: 'visible' })
  await page.click('.van-dialog .van-dialog__confirm')
  await page.waitForSelector('[data-test=after-sale-status][data-status=Cancelled]')
  await page.goto(`${web}/after-sales`)
  await page.waitForSelector('[data-test=after-sale-row]')
  const order = await call('GET', `/api/v1/orders/${orderNo}`, { token })
  assert(order.json?.status === 'Shipped' && !order.json?.openAfterSaleNo, `after withdrawing, the order is ${JSON.stringify(order.json?.status)}`)

  // Points of the paid order: worded, never the raw code; the account page names no raw role.
  await page.goto(`${web}/account`)
  await page.waitForSelector('[data-test=points-reason][data-reason=paid]')
  const reason = await page.textContent('[data-test=points-reason]')
  assert(reason.includes('订单支付获得') && !/paid/i.test(reason), `the points reason reads "${reason}"`)
  const profile = await page.textContent('[data-test=profile]')
  assert(!/shopper|admin|角色/i.test(profile), `the profile shows a raw role: ${profile}`)
  await shot(page, 'account-points-phone')
  await page.click('[data-test=account-language]')
  await page.waitForSelector('text=Earned with a paid order')
  assert(!/\bpaid\b$/.test((await page.textContent('[data-test=points-reason]')).trim()), 'English shows the raw code')
  await page.click('[data-test=account-language]')
  await page.waitForSelector('text=订单支付获得')
  await page.setViewportSize({ width: 1280, height: 860 })
  await page.close()
  await context.clearCookies()
})

test('account: changing the password keeps this browser signed in and signs out another browser', async () => {
  await need('POST', '/api/v1/auth/password', 'change password', await nativeLogin(adminAccount, adminPassword))
  const account = await newShopper()
  const profile = mkdtempSync(join(tmpdir(), 'mall-e2e-other-'))
  const other = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, viewport: phone, locale: 'zh-CN',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run'],
  })
  try {
    const elsewhere = await other.newPage()
    await uiLogin(elsewhere, account)
    await elsewhere.goto(`${web}/account`)
    await elsewhere.waitForSelector('[data-test=profile]')

    const page = await openPage()
    await uiLogin(page, account)
    await page.goto(`${web}/account`)
    await page.click('[data-test=change-password-link]')
    await page.waitForURL(/\/account\/password$/)
    // A wrong current password is said beside its field, in Chinese.
    await page.fill('[data-test=current-password] input', 'not-my-password-1')
    await page.fill('[data-test=new-password] input', 'Brand-new-pass-43')
    await page.fill('[data-test=repeat-password] input', 'Brand-new-pass-43')
    await page.click('[data-test=change-password-submit]')
    await page.waitForSelector('[data-test=current-password] .van-field__error-message')
    const wrong = await page.textContent('[data-test=current-password] .van-field__error-message')
    assert(wrong.includes('当前密码') && !/[A-Za-z]{3,}/.test(wrong), `the wrong-password message reads "${wrong}"`)
    await page.fill('[data-test=current-password] input', password)
    await page.click('[data-test=change-password-submit]')
    await page.waitForURL(/\/account$/)
    await shot(page, 'password-changed')
    await page.reload()
    await page.waitForSelector('[data-test=profile]')
    assert(await page.isVisible('[data-test=who]'), 'this browser was signed out')

    // The other browser: its next call is refused, its refresh too, and it lands on the sign-in page.
    await elsewhere.goto(`${web}/orders`)
    await elsewhere.waitForURL(/\/login/, { timeout: 20_000 })
    const cookies = await other.cookies()
    const stale = await fetch(`${web}/api/v1/auth/refresh`, { method: 'POST', headers: { cookie: cookies.map((c) => `${c.name}=${c.value}`).join('; ') } })
    assert(stale.status === 401, `the other browser's refresh answered ${stale.status}`)
    assert((await call('POST', '/api/v1/auth/login', { body: { account, password: 'Brand-new-pass-43', client: 'native' } })).status === 200,
      'the new password does not sign in')
    await page.close()
    await context.clearCookies()
  } finally {
    await other.close()
    rmSync(profile, { recursive: true, force: true })
  }
})

test('seckill: the challenge shows its progress while preparing; a second tab of a won sale offers 去支付', async () => {
  const adminToken = await nativeLogin(adminAccount, adminPassword)
  await need('POST', '/api/v1/admin/seckill/activities', 'creating seckill activities', adminToken)
  const page = await openPage()
  await page.setViewportSize(phone)
  await uiLogin(page, await newShopper())
  const { id } = await createActivity(adminToken, { startsInMs: 15_000, stock: 5, title: `E2E 进度 ${unique()}`, challengeBits: 20 })
  // Watched from before the navigation: the page starts preparing as it boots, and a quick solve can be over before
  // goto's 'load' (its images) — CI once waited 20 s for a progress bar that had come and gone.
  const preparingShown = page.waitForSelector('[data-test=seckill-preparing]:has([data-test=seckill-progress])', { timeout: 20_000 })
  await page.goto(`${web}/seckill/${id}`)
  const preparing = await (await preparingShown).textContent()
  assert(/\d+%/.test(preparing), `the preparation shows no percentage: ${preparing}`)
  await shot(page, 'seckill-preparing-phone')
  await page.waitForSelector('[data-test=seckill-prepared]', { timeout: 60_000 })
  await page.waitForSelector('[data-test=seckill-button][data-state=ready]', { timeout: 30_000 })
  await page.click('[data-test=seckill-button]')
  await page.waitForURL(/\/pay\//, { timeout: 30_000 })
  const orderNo = page.url().split('/pay/')[1]

  const second = await openPage()
  await second.setViewportSize(phone)
  await second.goto(`${web}/seckill/${id}`)
  await second.waitForSelector('[data-test=seckill-button][data-state=won-pay]')
  const text = await second.textContent('[data-test=seckill-button]')
  assert(text.includes('去支付') && !text.includes('立即抢购'), `the second tab's button reads "${text}"`)
  await shot(second, 'seckill-second-tab')
  await second.click('[data-test=seckill-button]')
  await second.waitForURL(new RegExp(`/pay/${orderNo}$`))
  await second.close()
  await page.setViewportSize({ width: 1280, height: 860 })
  await page.close()
  await context.clearCookies()
})

test('seckill: an attempt whose answer is lost is asked again with its token; lost twice, the next press offers the order it won', async () => {
  const adminToken = await nativeLogin(adminAccount, adminPassword)
  await need('POST', '/api/v1/admin/seckill/activities', 'creating seckill activities', adminToken)
  const page = await openPage()
  await page.setViewportSize(phone)
  await uiLogin(page, await newShopper())
  // The API gets each attempt and reserves the unit, but the first `lose` answers are lost on their way back (a phone
  // between cells): the browser sees a dropped connection.
  async function saleLosing(lose) {
    const { id } = await createActivity(adminToken, { startsInMs: 3_000, stock: 5, title: `E2E 断网 ${unique()}` })
    await need('GET', `/api/v1/seckill/activities/${id}/mine`, 'what a shopper holds in a sale')
    const tokens = []
    let left = lose
    await page.route(`**/api/v1/seckill/activities/${id}/attempts`, async (route) => {
      tokens.push(route.request().postDataJSON().token)
      const answer = await route.fetch()
      if (left-- > 0) return route.abort('connectionreset')
      return route.fulfill({ response: answer })
    })
    await page.goto(`${web}/seckill/${id}`)
    await page.waitForSelector('[data-test=seckill-button][data-state=ready]', { timeout: 30_000 })
    await page.click('[data-test=seckill-button]')
    return { id, tokens }
  }

  // One answer lost: the page asks again with the same token, is given the same reservation, and goes on to pay.
  const once = await saleLosing(1)
  await page.waitForURL(/\/pay\//, { timeout: 30_000 })
  assert(once.tokens.length === 2 && once.tokens[0] === once.tokens[1], `not asked again with its token: ${JSON.stringify(once.tokens)}`)

  // Both answers lost: the press fails; the next one (a new token, refused for the limit) finds the order the first won.
  const twice = await saleLosing(2)
  await page.waitForSelector('[data-test=seckill-button][data-state=failed]', { timeout: 30_000 })
  assert(twice.tokens.length === 2 && twice.tokens[0] === twice.tokens[1], `not asked again with its token: ${JSON.stringify(twice.tokens)}`)
  await page.click('[data-test=seckill-button]')
  await page.waitForSelector('[data-test=seckill-button][data-state=won-pay]', { timeout: 30_000 })
  assert(twice.tokens.length === 3 && twice.tokens[2] !== twice.tokens[0], `the second press did not use a new token: ${JSON.stringify(twice.tokens)}`)
  await shot(page, 'seckill-answer-lost-won')
  await page.click('[data-test=seckill-button]')
  await page.waitForURL(/\/pay\//, { timeout: 15_000 })
  await page.close()
  await context.clearCookies()
})
