// The shapes the views work with, derived from the generated OpenAPI types (schema.d.ts), so a change in the
// API breaks the type check instead of a page. The generator marks every property optional (FastEndpoints does
// not emit `required`); the API always sends them except nulls, so `Sent<…>` makes them present while keeping
// `| null` where the API declares it. A few optional extras keep the views tolerant of the contract's spelling
// in shared/design/api.md (imageUrl, priceCents, availableStock).
import type { components } from './schema'

type S = components['schemas']
type Sent<T> = T extends (infer E)[] ? Sent<E>[] : T extends object ? { [K in keyof T]-?: Sent<Exclude<T[K], undefined>> } : T

export type TokenResponse = Sent<S['MallFeaturesAuthTokenResponse']>
export type Me = Sent<S['MallFeaturesAuthMeResponse']>
export type PointsEntry = Sent<S['MallFeaturesAuthPointsHistoryEntry']>

export type Category = Sent<S['MallFeaturesCatalogListCategoriesCategoryNode']>

export interface Page<T> { items: T[]; page: number; pageSize: number; total: number }

export type ProductSummary = Sent<S['MallFeaturesCatalogListProductsProductSummary']> & { imageUrl?: string | null; images?: string[]; priceCents?: number }
export type Sku = Sent<S['MallFeaturesCatalogGetProductSkuView']> & { stock?: number; availableStock?: number }
export type Product = Omit<Sent<S['MallFeaturesCatalogGetProductResponse']>, 'skus'> & { skus: Sku[]; image?: string | null; imageUrl?: string | null; priceCents?: number }

export type CartLine = Sent<S['MallFeaturesCartCartLine']> & { imageUrl?: string | null; availableStock?: number }
export interface Cart { items: CartLine[]; totalCents: number }

export type Address = Sent<S['MallFeaturesAddressesAddressView']>
export type AddressInput = Omit<Address, 'id'>

export type OrderStatus = 'PendingPayment' | 'Paid' | 'Shipped' | 'Completed' | 'Cancelled' | 'Refunding' | 'Refunded'
export type OrderItem = Sent<S['MallFeaturesOrdersOrderItemView']>
type Detail = Sent<S['MallFeaturesOrdersOrderDetail']>
type Summary = Sent<S['MallFeaturesOrdersOrderSummary']>
/** One type for list rows and the detail page: fields of the other shape are optional. */
export type Order = Pick<Detail, 'orderNo' | 'kind' | 'totalCents' | 'createdAt' | 'expiresAt'> & { status: OrderStatus } &
  Partial<Omit<Detail, 'orderNo' | 'kind' | 'status' | 'totalCents' | 'createdAt' | 'expiresAt'>> &
  Partial<Pick<Summary, 'title' | 'image' | 'itemCount'>>
export type PlacedOrder = Sent<S['MallFeaturesOrdersCheckoutResponse']>

export type ActivityStatus = 'Upcoming' | 'Live' | 'SoldOut' | 'Ended' | string
export type Activity = Sent<S['MallFeaturesSeckillActivitiesActivityView']> & { serverTimeMs?: number; imageUrl?: string | null }

export type ReservationStatus = 'Queued' | 'OrderCreated' | 'Failed'
export type Reservation = Omit<Sent<S['MallFeaturesSeckillReservationsResponse']>, 'status' | 'reservationId'> & {
  reservationId?: string
  status: ReservationStatus
  reason?: string | null
}

export type Provider = 'wechatpay' | 'alipay'
export type Channel = 'native' | 'jsapi' | 'page'
export type JsapiParams = Sent<S['MallFeaturesPaymentsJsapiParameters']>
export type PaymentStarted = Sent<S['MallFeaturesPaymentsCreateResponse']>
export type PaymentState = Sent<S['MallFeaturesPaymentsGetResponse']>

// Requests stay as generated: optional means optional.
export type NewProduct = S['MallFeaturesCatalogAdminCreateProductRequest']
export type CreatedProduct = Sent<S['MallFeaturesCatalogAdminCreateProductResponse']>
export type NewActivity = S['MallFeaturesSeckillAdminCreateRequest']
export type Reconcile = Sent<S['MallFeaturesSeckillAdminReconcileResponse']>
