import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import Vant from 'vant'

vi.mock('@/api/client', () => ({
  bare: {},
  http: {},
  api: {
    addresses: { list: vi.fn() },
    cart: { get: vi.fn() },
    orders: { preview: vi.fn(), place: vi.fn() },
  },
}))
import { api } from '@/api/client'
import { ApiError } from '@/api/problem'
import type { OrderPreview } from '@/api/types'
import { basketFromQuery } from '@/lib/checkoutBasket'
import { i18n } from '@/i18n'
import CheckoutView from '@/views/CheckoutView.vue'

const address = { id: 5, receiver: '韩梅梅', phone: '13800138000', province: '广东省', city: '深圳市', district: '南山区', detail: '科技园', isDefault: true }
const line = { skuId: 33, productId: 3, title: '全棉磨毛四件套', specs: { 颜色: '雾蓝', 尺寸: '1.8m' }, image: '', unitPriceCents: 15900, quantity: 1, lineTotalCents: 15900, available: 100 }
const priced: OrderPreview = { lines: [line], subtotalCents: 15900, shippingFeeCents: 0, freeShippingFromCents: 9900, totalCents: 15900, pointsToEarn: 159, purchasable: true, problems: [] }

async function open(url: string) {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/checkout', name: 'checkout', component: CheckoutView },
      { path: '/pay/:orderNo', name: 'pay', component: { template: '<div data-test="pay" />' } },
    ],
  })
  await router.push(url)
  const page = mount({ template: '<RouterView />' }, { global: { plugins: [router, i18n, Vant] }, attachTo: document.body })
  await flushPromises()
  return { page, router }
}

// Vant's submit bar measures its height on timers it never clears (100–300 ms after mounting); run for real they can
// fire after this file's DOM environment is gone. Timers are fake here and dropped after each test; promises and
// flushPromises (setImmediate) stay real.
enableAutoUnmount(afterEach)
beforeEach(() => { vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] }) })
afterEach(() => {
  vi.clearAllTimers()
  vi.useRealTimers()
})

beforeEach(() => {
  setActivePinia(createPinia())
  vi.resetAllMocks()
  i18n.global.locale.value = 'zh-CN'
  vi.mocked(api.addresses.list).mockResolvedValue([address])
  vi.mocked(api.cart.get).mockResolvedValue({ lines: [], totalQuantity: 0, totalCents: 0, purchasable: false })
})

describe('the checkout address', () => {
  it('names SKU ids and quantities only', () => {
    expect(basketFromQuery({ skuId: '33', quantity: '2', price: '1', title: 'x' })).toEqual({ items: [{ skuId: 33, quantity: 2 }] })
    expect(basketFromQuery({ skuId: '33' })).toEqual({ items: [{ skuId: 33, quantity: 1 }] })
    expect(basketFromQuery({ fromCart: '1' })).toEqual({ fromCart: true })
    expect(basketFromQuery({})).toEqual({ fromCart: true })
    expect(basketFromQuery({ skuId: 'abc' })).toBeNull()
    expect(basketFromQuery({ skuId: '33', quantity: '0' })).toBeNull()
    expect(basketFromQuery({ skuId: '33', quantity: '-1' })).toBeNull()
    expect(basketFromQuery({ skuId: '33', quantity: '1.5' })).toBeNull()
  })
})

describe('the checkout page', () => {
  it('shows the server price, not the one in a tampered address, and orders only ids and quantities', async () => {
    vi.mocked(api.orders.preview).mockResolvedValue(priced)
    vi.mocked(api.orders.place).mockResolvedValue({ orderNo: '20261207081530123456789', status: 'PendingPayment', totalCents: 15900, expiresAt: '' })
    const { page, router } = await open('/checkout?skuId=33&quantity=1&price=1&title=%E5%81%87')
    expect(api.orders.preview).toHaveBeenCalledWith({ items: [{ skuId: 33, quantity: 1 }] })
    expect(page.find('[data-test=line-title]').text()).toBe('全棉磨毛四件套')
    expect(page.find('[data-test=line-price]').text()).toBe('¥159.00')
    expect(page.find('[data-test=shipping-fee]').text()).toBe('免运费')
    expect(page.find('[data-test=points]').text()).toContain('159')
    expect(page.find('.van-submit-bar__price').text()).toContain('159.00')
    expect(page.text()).not.toContain('0.01')
    expect(page.text()).not.toContain('假')

    await page.find('[data-test=place-order] button').trigger('click')
    await flushPromises()
    expect(api.orders.place).toHaveBeenCalledWith({ items: [{ skuId: 33, quantity: 1 }], addressId: 5 }, expect.any(String))
    expect(router.currentRoute.value.name).toBe('pay')
    page.unmount()
  })

  it('shows the fee and each line problem, and cannot place an order the server would refuse', async () => {
    vi.mocked(api.orders.preview).mockResolvedValue({
      ...priced,
      lines: [{ ...line, quantity: 200, lineTotalCents: 3180000, available: 100, problem: { code: 'orders.insufficient_stock', message: '「全棉磨毛四件套」仅剩 100 件（需要 200 件）。', args: {} } }],
      subtotalCents: 1000, shippingFeeCents: 1000, totalCents: 2000, pointsToEarn: 20, purchasable: false,
      problems: [{ code: 'orders.too_many_items', message: '每个订单最多 30 件商品（当前 200 件）。', args: {} }],
    })
    const { page } = await open('/checkout?skuId=33&quantity=200')
    expect(page.find('[data-test=line-problem]').attributes('data-code')).toBe('orders.insufficient_stock')
    expect(page.find('[data-test=line-problem]').text()).toContain('仅剩 100 件')
    expect(page.find('[data-test=basket-problem]').text()).toContain('最多 30 件')
    expect(page.find('[data-test=shipping-fee]').text()).toBe('¥10.00')
    expect(page.find('[data-test=place-order] button').attributes('disabled')).toBeDefined()
    await page.find('[data-test=place-order] button').trigger('click')
    await flushPromises()
    expect(api.orders.place).not.toHaveBeenCalled()
    page.unmount()
  })

  it('previews the cart for a cart checkout, and re-previews when the order is refused', async () => {
    vi.mocked(api.orders.preview).mockResolvedValue(priced)
    vi.mocked(api.orders.place).mockRejectedValue(new ApiError(409, { status: 409, code: 'conflict', detail: 'Not enough stock' }))
    const { page } = await open('/checkout?fromCart=1')
    expect(api.orders.preview).toHaveBeenCalledWith({ fromCart: true })
    await page.find('[data-test=place-order] button').trigger('click')
    await flushPromises()
    expect(api.orders.place).toHaveBeenCalledWith({ fromCart: true, addressId: 5 }, expect.any(String))
    expect(api.orders.preview).toHaveBeenCalledTimes(2)
    page.unmount()
  })

  it('an empty cart is nothing to check out, not an error', async () => {
    vi.mocked(api.orders.preview).mockRejectedValue(new ApiError(400, { status: 400, code: 'validation_failed', errors: { fromCart: ['The cart is empty.'] } } as never))
    const { page } = await open('/checkout?fromCart=1')
    expect(page.find('[data-test=error]').exists()).toBe(false)
    expect(page.find('[data-test=empty]').text()).toContain('没有要结算的商品')
    expect(page.find('[data-test=place-order] button').attributes('disabled')).toBeDefined()
    page.unmount()
  })

  it('a malformed address previews nothing and says so', async () => {
    const { page } = await open('/checkout?skuId=abc&price=1')
    expect(api.orders.preview).not.toHaveBeenCalled()
    expect(page.find('[data-test=error]').text()).toContain('没有要结算的商品')
    page.unmount()
  })
})
