import { describe, expect, it } from 'vitest'
import { cancelReasonKeys, cancelReasonText, MAX_CANCEL_REASON } from '@/lib/cancelReasons'
import { pointsReasonKey } from '@/lib/pointsReason'
import { forgetWon, parseWon, readWon, saveWon, wonAction, wonFromServer, wonKey } from '@/lib/seckillWon'
import zh from '@/i18n/zh-CN'
import en from '@/i18n/en'

function memoryStorage() {
  const map = new Map<string, string>()
  return {
    getItem: (k: string) => map.get(k) ?? null,
    setItem: (k: string, v: string) => void map.set(k, v),
    removeItem: (k: string) => void map.delete(k),
    map,
  }
}

describe('cancel reasons', () => {
  const word = (k: string) => `worded:${k}`
  it('sends a chosen reason worded, a typed one trimmed and cut, and nothing without a choice', () => {
    expect(cancelReasonText('duplicate', 'ignored', word)).toBe('worded:duplicate')
    expect(cancelReasonText('other', '  送错地址了  ', word)).toBe('送错地址了')
    expect(cancelReasonText('other', 'x'.repeat(300), word)).toHaveLength(MAX_CANCEL_REASON)
    expect(cancelReasonText('other', '   ', word)).toBeNull()
    expect(cancelReasonText(null, 'typed', word)).toBeNull()
  })
  it('has every reason worded in both languages', () => {
    for (const k of cancelReasonKeys) {
      expect((zh.orderCancel.reasons as Record<string, string>)[k]).toBeTruthy()
      expect((en.orderCancel.reasons as Record<string, string>)[k]).toBeTruthy()
    }
  })
})

describe('points reasons', () => {
  it('maps the API codes to i18n keys that exist in both languages, and unknown codes to the generic one', () => {
    expect(pointsReasonKey('paid')).toBe('points.reason.paid')
    expect(pointsReasonKey('refund')).toBe('points.reason.refund')
    expect(pointsReasonKey('bonus')).toBe('points.reason.other')
    expect(pointsReasonKey(undefined)).toBe('points.reason.other')
    for (const lang of [zh, en]) for (const k of ['paid', 'refund', 'other']) expect((lang.points.reason as Record<string, string>)[k]).toBeTruthy()
    expect(zh.points.reason.paid).not.toMatch(/[A-Za-z]/)
  })
})

describe('a won seckill sale remembered across tabs', () => {
  it('is kept per user and activity and read back', () => {
    const store = memoryStorage()
    saveWon(7, 3, { reservationId: '7-1-0' }, store)
    expect(readWon(7, 3, store)).toEqual({ reservationId: '7-1-0', orderNo: null })
    saveWon(7, 3, { reservationId: '7-1-0', orderNo: 'SK123' }, store)
    expect(readWon(7, 3, store)?.orderNo).toBe('SK123')
    expect(readWon(8, 3, store)).toBeNull()
    expect(readWon(7, 4, store)).toBeNull()
    expect(store.map.has(wonKey(7, 3))).toBe(true)
    forgetWon(7, 3, store)
    expect(readWon(7, 3, store)).toBeNull()
  })
  it('ignores records that are not ours', () => {
    expect(parseWon('not json')).toBeNull()
    expect(parseWon('{"orderNo":"x"}')).toBeNull()
    expect(parseWon(null)).toBeNull()
  })
  it('offers pay for an unpaid order, the order for a paid one, nothing for a cancelled one', () => {
    expect(wonAction('PendingPayment')).toBe('pay')
    expect(wonAction('Paid')).toBe('view')
    expect(wonAction('Cancelled')).toBeNull()
    expect(wonAction(null)).toBeNull()
  })
  it('takes from the server the newest order worth offering, waits for one still being written, else offers nothing', () => {
    const at = '2026-12-08T04:00:00Z'
    const unpaid = { orderNo: 'SK2', status: 'PendingPayment' as const, reservationId: '9-2-0', quantity: 1, createdAt: at }
    const lapsed = { orderNo: 'SK1', status: 'Cancelled' as const, reservationId: '9-1-0', quantity: 1, createdAt: at }
    expect(wonFromServer({ reserved: 2, orders: [unpaid, lapsed] })).toEqual({ orderNo: 'SK2', reservationId: '9-2-0', action: 'pay' })
    expect(wonFromServer({ reserved: 1, orders: [{ ...unpaid, status: 'Shipped' as const }] })).toMatchObject({ orderNo: 'SK2', action: 'view' })
    // Reserved, not written yet: ask again shortly.
    expect(wonFromServer({ reserved: 1, orders: [] })).toBe('writing')
    expect(wonFromServer({ reserved: 2, orders: [lapsed] })).toBe('writing')
    // Nothing held, only a lapsed order, or Redis could not tell and MySQL has nothing.
    expect(wonFromServer({ reserved: 0, orders: [] })).toBeNull()
    expect(wonFromServer({ reserved: 1, orders: [lapsed] })).toBeNull()
    // Units, not orders: two units lapsed in one order leave nothing to wait for.
    expect(wonFromServer({ reserved: 2, orders: [{ ...lapsed, quantity: 2 }] })).toBeNull()
    expect(wonFromServer({ reserved: null, orders: [] })).toBeNull()
  })
})
