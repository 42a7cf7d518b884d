import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import Vant from 'vant'

vi.mock('@/api/client', () => ({ bare: {}, http: {}, api: { orders: { get: vi.fn() } } }))
vi.mock('@/api/realtime', () => ({ onHub: () => () => undefined }))
import { api } from '@/api/client'
import type { OrderDetail } from '@/api/types'
import { i18n } from '@/i18n'
import OrderView from '@/views/OrderView.vue'

const pending = {
  orderNo: '20261207081530123456789', status: 'PendingPayment', kind: 'normal', totalCents: 15900, expiresAt: '2026-12-07T09:00:00Z',
  createdAt: '2026-12-07T08:30:00Z', items: [], refundedCents: 0,
} as unknown as OrderDetail

function setVisibility(state: 'visible' | 'hidden') {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state })
  document.dispatchEvent(new Event('visibilitychange'))
}

enableAutoUnmount(afterEach)
beforeEach(() => {
  setActivePinia(createPinia())
  vi.resetAllMocks()
  i18n.global.locale.value = 'zh-CN'
})

describe('the order page', () => {
  it('asks again when the shopper comes back to the tab (a push missed while away), and stops asking once left', async () => {
    vi.mocked(api.orders.get).mockResolvedValueOnce(pending).mockResolvedValue({ ...pending, status: 'Paid' } as OrderDetail)
    const router = createRouter({ history: createMemoryHistory(), routes: [
      { path: '/orders/:orderNo', component: OrderView },
      { path: '/orders/:orderNo/after-sale', name: 'after-sale-request', component: { template: '<div />' } },
      { path: '/pay/:orderNo', component: { template: '<div />' } },
    ] })
    await router.push(`/orders/${pending.orderNo}`)
    const page = mount({ template: '<RouterView />' }, { global: { plugins: [router, i18n, Vant] }, attachTo: document.body })
    await flushPromises()
    expect(page.get('[data-test=order-status]').attributes('data-status')).toBe('PendingPayment')

    setVisibility('hidden')
    await flushPromises()
    expect(api.orders.get).toHaveBeenCalledTimes(1)
    setVisibility('visible')
    await flushPromises()
    expect(api.orders.get).toHaveBeenCalledTimes(2)
    expect(page.get('[data-test=order-status]').attributes('data-status')).toBe('Paid')

    page.unmount()
    setVisibility('visible')
    await flushPromises()
    expect(api.orders.get).toHaveBeenCalledTimes(2)
  })
})
