import type { AxiosInstance } from 'axios'
import type * as T from './types'

/** Thin wrappers over the shared Axios instance, one per area of api.md. */
export function createApi(http: AxiosInstance) {
  const data = <R>(p: Promise<{ data: R }>) => p.then((r) => r.data)
  return {
    auth: {
      register: (body: { account: string; password: string; nickname?: string }) => data<{ userId: number }>(http.post('/auth/register', body)),
      login: (body: { account: string; password: string; deviceId?: string }) =>
        data<T.TokenResponse>(http.post('/auth/login', { ...body, client: 'browser' })),
      logout: () => http.post('/auth/logout'),
      me: () => data<T.Me>(http.get('/me')),
      pointsHistory: () => data<T.PointsEntry[]>(http.get('/me/points-history')),
    },
    time: () => data<{ serverTimeMs: number }>(http.get('/time')),
    catalog: {
      categories: () => data<T.Category[] | { categories: T.Category[] }>(http.get('/categories')).then((b) => (Array.isArray(b) ? b : (b?.categories ?? []))),
      products: (params: { categoryId?: number; q?: string; sort?: string; page?: number; pageSize?: number }) =>
        data<T.Page<T.ProductSummary>>(http.get('/products', { params })),
      product: (id: number | string) => data<T.Product>(http.get(`/products/${id}`)),
    },
    cart: {
      get: () => data<CartBody>(http.get('/cart')).then(cartOf),
      set: (skuId: number, quantity: number) => data<CartBody>(http.put(`/cart/items/${skuId}`, { quantity })).then(cartOf),
      remove: (skuId: number) => data<CartBody>(http.delete(`/cart/items/${skuId}`)).then(cartOf),
    },
    addresses: {
      list: () => data<T.Address[]>(http.get('/addresses')),
      create: (body: T.AddressInput) => data<T.Address>(http.post('/addresses', body)),
      update: (id: number, body: T.AddressInput) => data<T.Address>(http.put(`/addresses/${id}`, body)),
      remove: (id: number) => http.delete(`/addresses/${id}`),
    },
    orders: {
      place: (body: { items?: { skuId: number; quantity: number }[]; fromCart?: boolean; addressId: number }, idempotencyKey: string) =>
        data<T.PlacedOrder>(http.post('/orders', body, { headers: { 'Idempotency-Key': idempotencyKey } })),
      list: (params: { status?: string; page?: number; pageSize?: number }) => data<T.Page<T.Order>>(http.get('/orders', { params })),
      get: (orderNo: string) => data<T.Order>(http.get(`/orders/${orderNo}`)),
      cancel: (orderNo: string) => data<T.Order>(http.post(`/orders/${orderNo}/cancel`)),
      confirmReceipt: (orderNo: string) => data<T.Order>(http.post(`/orders/${orderNo}/receipt`)),
    },
    seckill: {
      activities: () => data<T.Activity[] | { items: T.Activity[] }>(http.get('/seckill/activities')).then(listOf),
      activity: (id: number | string) => data<T.Activity>(http.get(`/seckill/activities/${id}`)),
      token: (id: number | string) => data<{ token: string; expiresAt: string }>(http.post(`/seckill/activities/${id}/token`)),
      attempt: (id: number | string, token: string, quantity = 1) =>
        data<{ reservationId: string; status: T.ReservationStatus }>(http.post(`/seckill/activities/${id}/attempts`, { token, quantity })),
      reservation: (reservationId: string) => data<T.Reservation>(http.get(`/seckill/reservations/${reservationId}`)),
    },
    payments: {
      start: (orderNo: string, provider: T.Provider, channel: T.Channel, openId?: string) =>
        data<T.PaymentStarted>(http.post(`/orders/${orderNo}/payments`, { provider, channel, openId })),
      get: (paymentNo: string) => data<T.PaymentState>(http.get(`/payments/${paymentNo}`)),
    },
    admin: {
      createProduct: (body: T.NewProduct) => data<T.CreatedProduct>(http.post('/admin/products', body)),
      updateProduct: (id: number, body: Partial<T.NewProduct>) => data<T.Product>(http.put(`/admin/products/${id}`, body)),
      shelf: (id: number, onShelf: boolean) => http.post(`/admin/products/${id}/shelf`, { onShelf }),
      setStock: (skuId: number, stock: number) => http.put(`/admin/skus/${skuId}/stock`, { stock }),
      createActivity: (body: T.NewActivity) => data<{ id: number }>(http.post('/admin/seckill/activities', body)),
      publishActivity: (id: number) => http.post(`/admin/seckill/activities/${id}/publish`),
      reconcile: (id: number) => data<T.Reconcile>(http.get(`/admin/seckill/activities/${id}/reconcile`)),
      activities: () => data<T.Activity[] | { items: T.Activity[] }>(http.get('/admin/seckill/activities')).then(listOf),
      orders: (params: { status?: string; page?: number; pageSize?: number }) => data<T.Page<T.Order>>(http.get('/admin/orders', { params })),
      ship: (orderNo: string) => http.post(`/admin/orders/${orderNo}/ship`),
    },
  }
}

export type MallApi = ReturnType<typeof createApi>

type CartBody = (Partial<T.Cart> & { lines?: T.CartLine[] }) | '' | null

/** The cart slice calls its lines `lines`; a DELETE may answer 204. Undefined items mean "reload". */
function cartOf(body: CartBody): T.Cart {
  if (!body) return { items: undefined as unknown as T.CartLine[], totalCents: 0 }
  return { items: body.items ?? body.lines ?? (undefined as unknown as T.CartLine[]), totalCents: body.totalCents ?? 0 }
}

function listOf<A>(body: A[] | { items: A[] }): A[] {
  return Array.isArray(body) ? body : (body?.items ?? [])
}
