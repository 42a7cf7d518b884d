// The admin API, one function per call, for the console's pages (the shopper's calls are in api/index.ts). Paths,
// parameters and bodies are checked against schema.d.ts: a page can only call what the API documents. Kept apart
// from api/index.ts so that none of it is in the shopper's bundle.
import { http } from '@/api/client'
import { read } from '@/api/index'
import type * as T from '@/api/types'

export const admin = {
  catalog: {
    product: (id: number) => read(http.GET('/api/v1/admin/products/{id}', { params: { path: { id: String(id) } } })).as<T.AdminProduct>(),
    createProduct: (body: T.NewProduct) => read(http.POST('/api/v1/admin/products', { body })).as<T.CreatedProduct>(),
    updateProduct: (id: number, body: T.ProductUpdate) =>
      read(http.PUT('/api/v1/admin/products/{id}', { params: { path: { id } }, body })).as<T.UpdatedProduct>(),
    shelf: (id: number, onShelf: boolean) =>
      read(http.POST('/api/v1/admin/products/{id}/shelf', { params: { path: { id } }, body: { onShelf } })).as<T.ShelfState>(),
    setStock: (skuId: number, stock: number) =>
      read(http.PUT('/api/v1/admin/skus/{id}/stock', { params: { path: { id: skuId } }, body: { stock } })).as<T.SkuStock>(),
    createCategory: (body: T.NewCategory) => read(http.POST('/api/v1/admin/categories', { body })).as<T.CreatedCategory>(),
  },
  seckill: {
    createActivity: (body: T.NewActivity) => read(http.POST('/api/v1/admin/seckill/activities', { body })).as<T.CreatedActivity>(),
    updateActivity: (id: number, body: T.ActivityUpdate) =>
      read(http.PUT('/api/v1/admin/seckill/activities/{id}', { params: { path: { id } }, body })).as<T.UpdatedActivity>(),
    publishActivity: (id: number) =>
      read(http.POST('/api/v1/admin/seckill/activities/{id}/publish', { params: { path: { id: String(id) } } })).as<T.PublishedActivity>(),
    reconcile: (id: number) =>
      read(http.GET('/api/v1/admin/seckill/activities/{id}/reconcile', { params: { path: { id: String(id) } } })).as<T.Reconcile>(),
  },
  orders: {
    list: (query: { status?: T.OrderStatus; page: number; pageSize: number }) =>
      read(http.GET('/api/v1/admin/orders', { params: { query } })).as<T.OrderPage>(),
    ship: (orderNo: string) => read(http.POST('/api/v1/admin/orders/{orderNo}/ship', { params: { path: { orderNo } } })).as<T.OrderDetail>(),
  },
  accounts: {
    disable: (id: number) => read(http.POST('/api/v1/admin/accounts/{id}/disable', { params: { path: { id: String(id) } } })).as<T.AccountState>(),
    enable: (id: number) => read(http.POST('/api/v1/admin/accounts/{id}/enable', { params: { path: { id: String(id) } } })).as<T.AccountState>(),
  },
}
