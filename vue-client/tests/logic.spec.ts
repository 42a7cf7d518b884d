import { describe, expect, it } from 'vitest'
import { channelFor, isWeChatBrowser } from '@/lib/payment'
import { isSelectable, matchingSku, specOptions } from '@/lib/skuPicker'
import { timeline } from '@/lib/orderTimeline'
import type { OrderDetail, Sku } from '@/api/types'

const sku = (id: number, specs: Record<string, string>, available: number): Sku => ({ id, specs, priceCents: 100 * id, available })

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

describe('SKU picker', () => {
  const skus = [sku(1, { 颜色: '红', 尺码: 'M' }, 3), sku(2, { 颜色: '红', 尺码: 'L' }, 0), sku(3, { 颜色: '蓝', 尺码: 'L' }, 5)]

  it('lists spec values in first-seen order', () => {
    expect(specOptions(skus)).toEqual({ 颜色: ['红', '蓝'], 尺码: ['M', 'L'] })
  })

  it('finds the SKU for a full choice and none for a partial one', () => {
    expect(matchingSku(skus, { 颜色: '蓝', 尺码: 'L' })?.id).toBe(3)
    expect(matchingSku(skus, { 颜色: '红' })).toBeNull()
  })

  it('disables combinations that are out of stock', () => {
    expect(isSelectable(skus, { 颜色: '红' }, '尺码', 'L')).toBe(false)
    expect(isSelectable(skus, { 颜色: '蓝' }, '尺码', 'L')).toBe(true)
  })
})

describe('order timeline', () => {
  const order = (status: OrderDetail['status'], extra: Partial<OrderDetail> = {}): OrderDetail => ({
    orderNo: '1', kind: 'normal', status, totalCents: 100, items: [], createdAt: '2026-11-25T08:00:00Z', expiresAt: '2026-11-25T08:15:00Z', ...extra,
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
