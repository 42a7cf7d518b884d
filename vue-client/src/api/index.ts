import type { Http } from './http'
import type * as T from './types'
import { proofHeaders } from './withChallenge'

/**
 * The body of a successful answer (failures were already thrown as ApiError by the client's middleware), typed as
 * the alias named in `.as<…>()`. The alias must be the schema's answer or a narrowing of it (required properties,
 * enum unions): anything else fails the type check.
 */
export function read<R extends { data?: unknown }>(call: Promise<R>) {
  return { as: <A extends T.Sent<NonNullable<R['data']>>>(): Promise<A> => call.then((r) => r.data as A) }
}

/** For answers without a body the app needs (204, or one it ignores). */
export async function done(call: Promise<unknown>): Promise<void> {
  await call
}

/** One function per API call, over the typed client: paths, parameters and bodies are checked against the schema. */
export function createApi(http: Http) {
  return {
    auth: {
      // Guarded by the proof-of-work challenge: `proof` goes in the Mall-Challenge header (see withChallenge.ts).
      register: (body: T.RegisterRequest, proof?: string | null) =>
        read(http.POST('/api/v1/auth/register', { body, headers: proofHeaders(proof) })).as<T.Registered>(),
      login: (body: Omit<T.LoginRequest, 'client'>, proof?: string | null) =>
        read(http.POST('/api/v1/auth/login', { body: { ...body, client: 'browser' }, headers: proofHeaders(proof) })).as<T.TokenResponse>(),
      logout: () => done(http.POST('/api/v1/auth/logout')),
      me: () => read(http.GET('/api/v1/me')).as<T.Me>(),
      pointsHistory: () => read(http.GET('/api/v1/me/points-history')).as<T.PointsEntry[]>(),
      // Ends every other sign-in of the account; this one stays.
      changePassword: (body: { currentPassword: string; newPassword: string }) => done(http.POST('/api/v1/auth/password', { body })),
    },
    time: () => read(http.GET('/api/v1/time')).as<T.ServerTime>(),
    catalog: {
      categories: () => read(http.GET('/api/v1/categories')).as<T.CategoryTree>(),
      products: (query: { categoryId?: number; q?: string; sort?: string; page: number; pageSize: number }) =>
        read(http.GET('/api/v1/products', { params: { query } })).as<T.ProductPage>(),
      product: (id: number | string) => read(http.GET('/api/v1/products/{id}', { params: { path: { id: String(id) } } })).as<T.Product>(),
      banners: () => read(http.GET('/api/v1/banners')).as<T.BannerList>(),
    },
    cart: {
      get: () => read(http.GET('/api/v1/cart')).as<T.Cart>(),
      set: (skuId: number, quantity: number) =>
        read(http.PUT('/api/v1/cart/items/{skuId}', { params: { path: { skuId } }, body: { quantity } })).as<T.Cart>(),
      remove: (skuId: number) => read(http.DELETE('/api/v1/cart/items/{skuId}', { params: { path: { skuId: String(skuId) } } })).as<T.Cart>(),
    },
    addresses: {
      list: () => read(http.GET('/api/v1/addresses')).as<T.Address[]>(),
      create: (body: T.AddressInput) => read(http.POST('/api/v1/addresses', { body })).as<T.Address>(),
      update: (id: number, body: T.AddressInput) =>
        read(http.PUT('/api/v1/addresses/{id}', { params: { path: { id } }, body })).as<T.Address>(),
      remove: (id: number) => done(http.DELETE('/api/v1/addresses/{id}', { params: { path: { id: String(id) } } })),
    },
    orders: {
      preview: (body: T.PreviewRequest) => read(http.POST('/api/v1/orders/preview', { body })).as<T.OrderPreview>(),
      place: (body: T.CheckoutRequest, idempotencyKey: string) =>
        read(http.POST('/api/v1/orders', { params: { header: { 'Idempotency-Key': idempotencyKey } }, body })).as<T.PlacedOrder>(),
      list: (query: { status?: T.OrderStatus; page: number; pageSize: number }) =>
        read(http.GET('/api/v1/orders', { params: { query } })).as<T.OrderPage>(),
      get: (orderNo: string) => read(http.GET('/api/v1/orders/{orderNo}', { params: { path: { orderNo } } })).as<T.OrderDetail>(),
      // The reason body is optional (an old client sends none, and no Content-Type).
      cancel: (orderNo: string, reason?: string | null) =>
        read(http.POST('/api/v1/orders/{orderNo}/cancel', { params: { path: { orderNo } }, body: { reason: reason ?? null } })).as<T.OrderDetail>(),
      confirmReceipt: (orderNo: string) =>
        read(http.POST('/api/v1/orders/{orderNo}/receipt', { params: { path: { orderNo } } })).as<T.OrderDetail>(),
    },
    seckill: {
      activities: () => read(http.GET('/api/v1/seckill/activities')).as<T.ActivityList>(),
      activity: (id: number | string) =>
        read(http.GET('/api/v1/seckill/activities/{id}', { params: { path: { id: String(id) } } })).as<T.ActivityDetail>(),
      token: (id: number | string, proof?: string | null) =>
        read(http.POST('/api/v1/seckill/activities/{id}/token', { params: { path: { id: String(id) } }, headers: proofHeaders(proof) })).as<T.SeckillToken>(),
      attempt: (id: number | string, token: string, quantity = 1) =>
        read(http.POST('/api/v1/seckill/activities/{id}/attempts', { params: { path: { id: Number(id) } }, body: { token, quantity } })).as<T.Attempt>(),
      mine: (id: number | string) =>
        read(http.GET('/api/v1/seckill/activities/{id}/mine', { params: { path: { id: String(id) } } })).as<T.HeldInSale>(),
      reservation: (reservationId: string) =>
        read(http.GET('/api/v1/seckill/reservations/{reservationId}', { params: { path: { reservationId } } })).as<T.Reservation>(),
    },
    afterSales: {
      request: (orderNo: string, body: { reason: string; amountCents: number }) =>
        read(http.POST('/api/v1/orders/{orderNo}/after-sales', { params: { path: { orderNo } }, body: { ...body, photoUrls: [] } })).as<T.AfterSale>(),
      list: (query: { page: number; pageSize: number }) => read(http.GET('/api/v1/after-sales', { params: { query } })).as<T.AfterSalePage>(),
      get: (afterSaleNo: string) => read(http.GET('/api/v1/after-sales/{afterSaleNo}', { params: { path: { afterSaleNo } } })).as<T.AfterSale>(),
      cancel: (afterSaleNo: string) =>
        read(http.POST('/api/v1/after-sales/{afterSaleNo}/cancel', { params: { path: { afterSaleNo } } })).as<T.AfterSale>(),
    },
    payments: {
      start: (orderNo: string, provider: T.Provider, channel: T.Channel, openId?: string) =>
        read(http.POST('/api/v1/orders/{orderNo}/payments', { params: { path: { orderNo } }, body: { provider, channel, openId } })).as<T.PaymentStarted>(),
      get: (paymentNo: string) => read(http.GET('/api/v1/payments/{paymentNo}', { params: { path: { paymentNo } } })).as<T.PaymentState>(),
    },
  }
}

export type MallApi = ReturnType<typeof createApi>
