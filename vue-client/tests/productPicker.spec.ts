import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import Vant from 'vant'

vi.mock('@/api/client', () => ({
  bare: {},
  http: {},
  api: { catalog: { product: vi.fn() }, cart: { get: vi.fn(), set: vi.fn() } },
}))
import { api } from '@/api/client'
import { useAuthStore } from '@/stores/auth'
import { i18n } from '@/i18n'
import ProductView from '@/views/ProductView.vue'

const sku = (id: number, specs: Record<string, string>, available: number, priceCents = 29900) => ({ id, specs, priceCents, available })
const bedding = {
  id: 3, categoryId: 1, title: '全棉磨毛四件套', subtitle: '', description: '', images: [], minPriceCents: 29900, sales: 0, onShelf: true,
  skus: [sku(31, { 颜色: '奶咖格', 尺寸: '1.5m' }, 120), sku(32, { 颜色: '奶咖格', 尺寸: '1.8m' }, 120, 32900), sku(33, { 颜色: '雾蓝', 尺寸: '1.8m' }, 100, 32900)],
}

async function open(product: unknown) {
  vi.mocked(api.catalog.product).mockResolvedValue(product as never)
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/products/:id', name: 'product', component: ProductView },
      { path: '/checkout', name: 'checkout', component: { template: '<div />' } },
      { path: '/login', name: 'login', component: { template: '<div />' } },
    ],
  })
  await router.push('/products/3')
  const page = mount({ template: '<RouterView />' }, { global: { plugins: [router, i18n, Vant] }, attachTo: document.body })
  await flushPromises()
  return { page, router }
}

const option = (page: ReturnType<typeof mount>, text: string) => page.findAll('[data-test=spec-option]').find((o) => o.text() === text)!

beforeEach(() => {
  setActivePinia(createPinia())
  vi.resetAllMocks()
  i18n.global.locale.value = 'zh-CN'
  useAuthStore().accessToken = 'jwt'
})

describe('the product page SKU picker', () => {
  it('lets the shopper tap 雾蓝 with 1.5m preselected, re-picks 1.8m, and buys now with only the SKU and quantity', async () => {
    const { page, router } = await open(bedding)
    expect(option(page, '1.5m').attributes('data-state')).toBe('chosen')
    expect(option(page, '雾蓝').attributes('data-state')).toBe('switch')
    await option(page, '雾蓝').trigger('click')
    expect(option(page, '雾蓝').attributes('data-state')).toBe('chosen')
    expect(option(page, '1.8m').attributes('data-state')).toBe('chosen')
    await page.find('[data-test=buy-now]').trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.name).toBe('checkout')
    expect(router.currentRoute.value.query).toEqual({ skuId: '33', quantity: '1' })
    page.unmount()
  })

  it('asks to choose when a spec is not picked', async () => {
    const { page, router } = await open(bedding)
    await option(page, '1.5m').trigger('click') // un-pick
    expect(page.find('[data-test=sku-stock]').text()).toBe('请选择规格')
    await page.find('[data-test=buy-now]').trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.name).toBe('product')
    expect(document.body.textContent).toContain('请选择尺寸')
    page.unmount()
  })

  it('says a sold-out product is sold out', async () => {
    const { page } = await open({ ...bedding, skus: [sku(40, { 颜色: '墨绿' }, 0)] })
    expect(page.find('[data-test=sold-out]').text()).toBe('已售罄')
    expect(page.find('[data-test=buy-now]').exists()).toBe(false)
    expect(page.find('[data-test=sku-stock]').text()).toBe('已售罄')
    page.unmount()
  })
})
