import type { HeldInSale } from '@/api/types'

/**
 * What this browser knows about a sale the shopper already won: the reservation and, once written, its order.
 * Kept in localStorage (shared by the tabs of one browser, per user and activity), so a second tab of the activity
 * shows 去支付 instead of offering another attempt; the server is asked again before it is believed.
 */
export interface WonSale {
  reservationId: string
  orderNo?: string | null
}

const PREFIX = 'mall.seckill.won'

export function wonKey(userId: number, activityId: number | string): string {
  return `${PREFIX}.${userId}.${activityId}`
}

type StorageLike = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>

function storage(): StorageLike | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage
  } catch {
    return null
  }
}

/** The record, or null when there is none or it is not one of ours (another version, hand-edited). */
export function parseWon(raw: string | null): WonSale | null {
  if (!raw) return null
  try {
    const value = JSON.parse(raw) as Partial<WonSale>
    if (typeof value?.reservationId !== 'string' || !value.reservationId) return null
    return { reservationId: value.reservationId, orderNo: typeof value.orderNo === 'string' && value.orderNo ? value.orderNo : null }
  } catch {
    return null
  }
}

export function readWon(userId: number, activityId: number | string, store: StorageLike | null = storage()): WonSale | null {
  return parseWon(store?.getItem(wonKey(userId, activityId)) ?? null)
}

export function saveWon(userId: number, activityId: number | string, sale: WonSale, store: StorageLike | null = storage()): void {
  try {
    store?.setItem(wonKey(userId, activityId), JSON.stringify({ reservationId: sale.reservationId, orderNo: sale.orderNo ?? null }))
  } catch {
    /* storage full or blocked: the tab still knows */
  }
}

export function forgetWon(userId: number, activityId: number | string, store: StorageLike | null = storage()): void {
  try {
    store?.removeItem(wonKey(userId, activityId))
  } catch {
    /* nothing to forget */
  }
}

/** What the activity page offers for a won sale, by the order's status: pay, view the order, or nothing (cancelled). */
export function wonAction(orderStatus: string | null | undefined): 'pay' | 'view' | null {
  if (orderStatus === 'PendingPayment') return 'pay'
  if (!orderStatus || orderStatus === 'Cancelled') return null
  return 'view'
}


export type WonFromServer = { orderNo: string; reservationId: string | null; action: 'pay' | 'view' }

/**
 * The order to offer for a sale the server says the shopper holds: the newest one still to pay or to view. 'writing'
 * when more units are reserved than its orders hold yet (ask again shortly); null when there is nothing to offer.
 */
export function wonFromServer({ reserved, orders }: Pick<HeldInSale, 'reserved' | 'orders'>): WonFromServer | 'writing' | null {
  for (const order of orders) {
    const action = wonAction(order.status)
    if (action) return { orderNo: order.orderNo, reservationId: order.reservationId ?? null, action }
  }
  const written = orders.reduce((units, order) => units + order.quantity, 0)
  return (reserved ?? 0) > written ? 'writing' : null
}
