// The orders page's logic apart from its template, for the unit tests: the search form → the API's filters, the
// total as shown, the carriers offered when shipping.
import type { AdminOrderFilter, OrderKind, OrderStatus } from '@/api/types'

export const orderStatuses: OrderStatus[] = ['PendingPayment', 'Paid', 'Shipped', 'Completed', 'Cancelled', 'AfterSale', 'Refunding', 'Refunded']

/** Common carriers in China, offered in the ship dialog; any other name can be typed. */
export const carriers = ['顺丰速运', '中通快递', '圆通速递', '韵达快递', '申通快递', '京东物流', 'EMS', '极兔速递']

export interface OrderSearch {
  orderNo: string
  account: string
  status: OrderStatus | ''
  kind: OrderKind | ''
  /** Local calendar dates, "YYYY-MM-DD", both included; null for no range. */
  dates: [string, string] | null
}

export const blankSearch = (): OrderSearch => ({ orderNo: '', account: '', status: '', kind: '', dates: null })

/** Local midnight of a "YYYY-MM-DD" date, `plusDays` later, as an ISO instant. */
export function localMidnight(date: string, plusDays = 0): string {
  const [y, m, d] = date.split('-').map(Number)
  return new Date(y!, m! - 1, d! + plusDays).toISOString()
}

/**
 * The API's filters for a search: only what was filled in; the dates are the operator's local days, so the range runs
 * from the first day's local midnight to the midnight after the last day (the API's `to` is exclusive).
 */
export function toFilter(search: OrderSearch): AdminOrderFilter {
  const filter: AdminOrderFilter = {}
  if (search.orderNo.trim()) filter.orderNo = search.orderNo.trim()
  if (search.account.trim()) filter.account = search.account.trim()
  if (search.status) filter.status = search.status
  if (search.kind) filter.kind = search.kind
  if (search.dates) {
    filter.from = localMidnight(search.dates[0])
    filter.to = localMidnight(search.dates[1], 1)
  }
  return filter
}

/** The count under the table: past the API's cap (10,000) it is a lower bound. */
export function totalText(total: number, exact: boolean, locale: string): string {
  const n = total.toLocaleString(locale === 'zh-CN' ? 'zh-CN' : 'en-US')
  return exact ? n : `${n}+`
}
