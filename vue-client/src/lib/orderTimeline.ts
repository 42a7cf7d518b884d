import type { OrderDetail, OrderStatus } from '@/api/types'

export interface TimelineStep { key: 'created' | 'paid' | 'shipped' | 'completed' | 'cancelled'; at?: string | null; done: boolean }

const progress: OrderStatus[] = ['PendingPayment', 'Paid', 'Shipped', 'Completed']

/** The steps an order has passed and the ones still ahead; a cancelled order ends after "created". */
export function timeline(order: OrderDetail): { steps: TimelineStep[]; active: number } {
  if (order.status === 'Cancelled')
    return { steps: [{ key: 'created', at: order.createdAt, done: true }, { key: 'cancelled', at: order.cancelledAt, done: true }], active: 1 }
  const reached = Math.max(0, progress.indexOf(order.status === 'Refunding' || order.status === 'Refunded' ? 'Paid' : order.status))
  const steps: TimelineStep[] = [
    { key: 'created', at: order.createdAt, done: true },
    { key: 'paid', at: order.paidAt, done: reached >= 1 },
    { key: 'shipped', at: order.shippedAt, done: reached >= 2 },
    { key: 'completed', at: order.completedAt, done: reached >= 3 },
  ]
  return { steps, active: reached }
}

export function formatTime(iso?: string | null): string {
  if (!iso) return ''
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString()
}
