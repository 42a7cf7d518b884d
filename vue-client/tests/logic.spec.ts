import { describe, expect, it } from 'vitest'
import { channelFor, isWeChatBrowser } from '@/lib/payment'
import { timeline } from '@/lib/orderTimeline'
import type { OrderDetail } from '@/api/types'

describe('payment channel', () => {
  it('uses the JSAPI cashier only inside WeChat, the QR code elsewhere, the page for Alipay', () => {
    const wechatUa = 'Mozilla/5.0 (iPhone) AppleWebKit MicroMessenger/8.0.50'
    expect(isWeChatBrowser(wechatUa)).toBe(true)
    expect(isWeChatBrowser('Mozilla/5.0 (X11; Linux x86_64) Chrome/156')).toBe(false)
    expect(channelFor('wechatpay', true)).toBe('jsapi')
    expect(channelFor('wechatpay', false)).toBe('native')
    expect(channelFor('alipay', true)).toBe('page')
  })
})

describe('order timeline', () => {
  const order = (status: OrderDetail['status'], extra: Partial<OrderDetail> = {}): OrderDetail => ({
    orderNo: '1', kind: 'normal', status, totalCents: 100, items: [], createdAt: '2026-11-25T08:00:00Z', expiresAt: '2026-11-25T08:15:00Z', refundedCents: 0, ...extra,
  })

  it('marks the steps reached', () => {
    const { steps, active } = timeline(order('Shipped', { paidAt: '2026-11-25T08:01:00Z', shippedAt: '2026-11-25T09:00:00Z' }))
    expect(steps.map((s) => [s.key, s.done])).toEqual([['created', true], ['paid', true], ['shipped', true], ['completed', false]])
    expect(active).toBe(2)
  })

  it('ends a cancelled order after "created"', () => {
    expect(timeline(order('Cancelled')).steps.map((s) => s.key)).toEqual(['created', 'cancelled'])
  })
})
