// Shapes of the public contract (shared/design/api.md). Where an endpoint is already in the generated
// schema, the type is taken from there, so a change in the API breaks the build instead of the page.
import type { paths } from './schema'

type JsonOf<T> = T extends { content: { 'application/json': infer B } } ? B : never
type Ok<P extends keyof paths, M extends 'get' | 'post'> = paths[P][M] extends { responses: { 200: infer R } } ? JsonOf<R> : never

export type TokenResponse = Ok<'/api/v1/auth/login', 'post'>
export type Me = Required<Ok<'/api/v1/me', 'get'>>
export type PointsEntry = Ok<'/api/v1/me/points-history', 'get'> extends (infer E)[] ? E : never

export interface Category { id: number; name: string; parentId?: number | null; children?: Category[] }

export interface Page<T> { items: T[]; page: number; pageSize: number; total: number }

export interface ProductSummary {
  id: number
  title: string
  subtitle?: string | null
  image?: string | null
  imageUrl?: string | null
  images?: string[]
  /** The catalog lists the cheapest SKU's price. */
  minPriceCents?: number
  priceCents?: number
  categoryId?: number
  sales?: number
}

export interface Sku {
  id: number
  specs: Record<string, string>
  priceCents: number
  stock?: number
  available?: number
  availableStock?: number
}

export interface Product extends ProductSummary {
  description?: string | null
  images?: string[]
  skus: Sku[]
  onShelf?: boolean
}

export interface CartLine {
  skuId: number
  productId?: number
  title?: string
  specs?: Record<string, string>
  image?: string | null
  imageUrl?: string | null
  priceCents: number
  quantity: number
  lineTotalCents?: number
  available?: number
  availableStock?: number
  onShelf?: boolean
  shortOfStock?: boolean
}

export interface Cart { items: CartLine[]; totalCents: number }

export interface AddressInput {
  receiver: string
  phone: string
  province: string
  city: string
  district: string
  detail: string
  isDefault: boolean
}
export interface Address extends AddressInput { id: number }

export type OrderStatus = 'PendingPayment' | 'Paid' | 'Shipped' | 'Completed' | 'Cancelled' | 'Refunding' | 'Refunded'

export interface OrderItem { skuId: number; productId?: number; title?: string; specs?: Record<string, string>; priceCents: number; quantity: number; image?: string | null; lineTotalCents?: number }

export interface Order {
  orderNo: string
  status: OrderStatus
  totalCents: number
  createdAt?: string
  expiresAt?: string | null
  paidAt?: string | null
  shippedAt?: string | null
  completedAt?: string | null
  cancelledAt?: string | null
  items?: OrderItem[]
  address?: Partial<AddressInput> | null
  kind?: string
  cancelReason?: string | null
  /** List rows: the first item's title and image, and how many items. */
  title?: string
  image?: string | null
  itemCount?: number
}

export interface PlacedOrder { orderNo: string; status: OrderStatus; totalCents: number; expiresAt: string }

export type ActivityStatus = 'Draft' | 'Scheduled' | 'Upcoming' | 'Live' | 'Ended' | 'SoldOut' | string

export interface Activity {
  id: number
  title: string
  sku?: Sku & { productId?: number; title?: string; image?: string | null }
  skuId?: number
  priceCents: number
  originalPriceCents?: number
  startsAt: string
  endsAt: string
  limitPerUser: number
  stockLeft: number
  status: ActivityStatus
  serverTimeMs?: number
  imageUrl?: string | null
}

export type ReservationStatus = 'Queued' | 'OrderCreated' | 'Failed'
export interface Reservation { reservationId?: string; status: ReservationStatus; orderNo?: string | null; reason?: string | null }

export type Provider = 'wechatpay' | 'alipay'
export type Channel = 'native' | 'jsapi' | 'page'
export interface JsapiParams { appId: string; timeStamp: string; nonceStr: string; package: string; signType: string; paySign: string }
export interface PaymentStarted { paymentNo: string; status?: string; amountCents?: number; codeUrl?: string | null; jsapi?: JsapiParams | null; redirectUrl?: string | null }
export interface PaymentState { status: string; orderNo: string; provider: Provider }

export interface NewProduct {
  categoryId: number
  title: string
  subtitle?: string
  description?: string
  images?: string[]
  skus: { specs: Record<string, string>; priceCents: number; stock: number }[]
}

export interface NewActivity { skuId: number; title: string; priceCents: number; stock: number; limitPerUser: number; startsAt: string; endsAt: string }

export interface Reconcile { initialStock: number; redisRemaining: number; pendingReservations: number; liveOrders: number; drift: number }
