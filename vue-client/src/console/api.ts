// The admin API, one function per call, for the console's pages (the shopper's calls are in api/index.ts). Paths,
// parameters and bodies are checked against schema.d.ts: a page can only call what the API documents. Kept apart
// from api/index.ts so that none of it is in the shopper's bundle.
import { http } from '@/api/client'
import { done, read } from '@/api/index'
import type * as T from '@/api/types'
import type { components } from '@/api/schema'
import { fileNameOf } from './download'

// Only the console reads the audit log: its shapes are named here rather than in api/types.ts.
export type AuditPage = T.Sent<components['schemas']['ListAuditEntriesResponse']>
export type AuditEntry = AuditPage['items'][number]

export type ShelfFilter = 'all' | 'on' | 'off'
export type StockFilter = 'any' | 'lowStock' | 'outOfStock'
export type ProductSort = 'newest' | 'updated' | 'price_asc' | 'price_desc' | 'stock_asc' | 'stock_desc' | 'sales'
export interface AdminProductQuery {
  q?: string
  categoryId?: number
  shelf?: ShelfFilter
  stock?: StockFilter
  sort?: ProductSort
  page: number
  pageSize: number
}

export const admin = {
  catalog: {
    /** Every product, off shelf included (the shop's GET /products lists only those on shelf). */
    products: (query: AdminProductQuery) =>
      read(http.GET('/api/v1/admin/products', { params: { query: { lowStockThreshold: 10, ...query } } })).as<T.AdminProductPage>(),
    product: (id: number) => read(http.GET('/api/v1/admin/products/{id}', { params: { path: { id: String(id) } } })).as<T.AdminProduct>(),
    createProduct: (body: T.NewProduct) => read(http.POST('/api/v1/admin/products', { body })).as<T.CreatedProduct>(),
    updateProduct: (id: number, body: T.ProductUpdate) =>
      read(http.PUT('/api/v1/admin/products/{id}', { params: { path: { id } }, body })).as<T.UpdatedProduct>(),
    shelf: (id: number, onShelf: boolean) =>
      read(http.POST('/api/v1/admin/products/{id}/shelf', { params: { path: { id } }, body: { onShelf } })).as<T.ShelfState>(),
    setStock: (skuId: number, stock: number) =>
      read(http.PUT('/api/v1/admin/skus/{id}/stock', { params: { path: { id: skuId } }, body: { stock } })).as<T.SkuStock>(),
    /** A multipart upload (field `file`); the API reads the type from the content, so the file's name does not matter. */
    uploadImage: (id: number, file: Blob, fileName = 'image') => {
      const form = new FormData()
      form.append('file', file, fileName)
      // The schema documents no request body for the upload (a form file): the form goes as it is, boundary and all.
      return read(http.POST('/api/v1/admin/products/{id}/images', { params: { path: { id: String(id) } }, body: form as never, bodySerializer: (b: unknown) => b as FormData }))
        .as<T.ProductImageList>()
    },
    sortImages: (id: number, imageIds: number[]) =>
      read(http.PUT('/api/v1/admin/products/{id}/images/order', { params: { path: { id } }, body: { imageIds } })).as<T.ProductImageList>(),
    deleteImage: (id: number, imageId: number) =>
      read(http.DELETE('/api/v1/admin/products/{id}/images/{imageId}', { params: { path: { id: String(id), imageId: String(imageId) } } })).as<T.ProductImageList>(),
    /** The tree with each category's display order, icon and product count (the shop's GET /categories has none of these). */
    categories: () => read(http.GET('/api/v1/admin/categories')).as<T.AdminCategoryTree>(),
    createCategory: (body: T.NewCategory) => read(http.POST('/api/v1/admin/categories', { body })).as<T.CreatedCategory>(),
    /** Only the fields sent change: rename, display order, icon ('' clears it). */
    updateCategory: (id: number, body: T.CategoryUpdate) =>
      read(http.PUT('/api/v1/admin/categories/{id}', { params: { path: { id } }, body })).as<T.UpdatedCategory>(),
    /** 409 category.not_empty while it holds products or subcategories. */
    deleteCategory: (id: number) => done(http.DELETE('/api/v1/admin/categories/{id}', { params: { path: { id: String(id) } } })),
    banners: () => read(http.GET('/api/v1/admin/banners')).as<T.AdminBannerList>(),
    createBanner: (body: T.NewBanner) => read(http.POST('/api/v1/admin/banners', { body })).as<T.AdminBanner>(),
    updateBanner: (id: number, body: Omit<T.BannerUpdate, 'id'>) =>
      read(http.PUT('/api/v1/admin/banners/{id}', { params: { path: { id } }, body: body as T.BannerUpdate })).as<T.AdminBanner>(),
    deleteBanner: (id: number) => http.DELETE('/api/v1/admin/banners/{id}', { params: { path: { id: String(id) } } }).then(() => undefined),
    /** A multipart upload (field `file`), like product images; the answer's url goes into a banner's image. */
    uploadBannerImage: (file: Blob, fileName = 'image') => {
      const form = new FormData()
      form.append('file', file, fileName)
      return read(http.POST('/api/v1/admin/banners/images', { body: form as never, bodySerializer: (b: unknown) => b as FormData }))
        .as<T.UploadedBannerImage>()
    },
  },
  seckill: {
    createActivity: (body: T.NewActivity) => read(http.POST('/api/v1/admin/seckill/activities', { body })).as<T.CreatedActivity>(),
    updateActivity: (id: number, body: T.ActivityUpdate) =>
      read(http.PUT('/api/v1/admin/seckill/activities/{id}', { params: { path: { id } }, body })).as<T.UpdatedActivity>(),
    publishActivity: (id: number) =>
      read(http.POST('/api/v1/admin/seckill/activities/{id}/publish', { params: { path: { id: String(id) } } })).as<T.PublishedActivity>(),
    activities: (query: { status?: T.AdminActivityStatus; page: number; pageSize: number }) =>
      read(http.GET('/api/v1/admin/seckill/activities', { params: { query } })).as<T.AdminActivityPage>(),
    cancelActivity: (id: number) =>
      read(http.POST('/api/v1/admin/seckill/activities/{id}/cancel', { params: { path: { id: String(id) } } })).as<T.CancelledActivity>(),
    live: (recentMinutes = 60) => read(http.GET('/api/v1/admin/seckill/live', { params: { query: { recentMinutes } } })).as<T.LivePanel>(),
    reconcile: (id: number) =>
      read(http.GET('/api/v1/admin/seckill/activities/{id}/reconcile', { params: { path: { id: String(id) } } })).as<T.Reconcile>(),
  },
  orders: {
    list: (query: T.AdminOrderFilter & { page: number; pageSize: number }) =>
      read(http.GET('/api/v1/admin/orders', { params: { query } })).as<T.AdminOrderPage>(),
    detail: (orderNo: string) => read(http.GET('/api/v1/admin/orders/{orderNo}', { params: { path: { orderNo } } })).as<T.AdminOrderDetail>(),
    ship: (orderNo: string, body: T.ShipRequest) =>
      read(http.POST('/api/v1/admin/orders/{orderNo}/ship', { params: { path: { orderNo } }, body })).as<T.AdminOrderDetail>(),
    close: (orderNo: string, reason: string) =>
      read(http.POST('/api/v1/admin/orders/{orderNo}/close', { params: { path: { orderNo } }, body: { reason } })).as<T.AdminOrderDetail>(),
    addRemark: (orderNo: string, text: string) =>
      read(http.POST('/api/v1/admin/orders/{orderNo}/remarks', { params: { path: { orderNo } }, body: { text } })).as<T.OrderRemark>(),
    /** The CSV of every order the filters match, through the session (bearer token, refresh), as a file to save. */
    export: async (query: T.AdminOrderFilter) => {
      const { data, response } = await http.GET('/api/v1/admin/orders/export', { params: { query }, parseAs: 'blob' })
      return { blob: data as unknown as Blob, fileName: fileNameOf(response.headers.get('content-disposition')) ?? 'orders.csv' }
    },
    dashboard: () => read(http.GET('/api/v1/admin/dashboard')).as<T.Dashboard>(),
  },
  members: {
    list: (query: { account?: string; match: 'prefix' | 'contains'; status?: 'enabled' | 'disabled'; page: number; pageSize: number }) =>
      read(http.GET('/api/v1/admin/members', { params: { query } })).as<T.MemberPage>(),
    detail: (id: number) => read(http.GET('/api/v1/admin/members/{id}', { params: { path: { id: String(id) } } })).as<T.Member>(),
  },
  afterSales: {
    list: (query: { status?: T.AfterSaleStatus; page: number; pageSize: number }) =>
      read(http.GET('/api/v1/admin/after-sales', { params: { query } })).as<T.AfterSalePage>(),
    detail: (afterSaleNo: string) =>
      read(http.GET('/api/v1/admin/after-sales/{afterSaleNo}', { params: { path: { afterSaleNo } } })).as<T.AfterSale>(),
    approve: (afterSaleNo: string, note?: string) =>
      read(http.POST('/api/v1/admin/after-sales/{afterSaleNo}/approve', { params: { path: { afterSaleNo } }, body: { note: note || null } })).as<T.AfterSale>(),
    reject: (afterSaleNo: string, note: string) =>
      read(http.POST('/api/v1/admin/after-sales/{afterSaleNo}/reject', { params: { path: { afterSaleNo } }, body: { note } })).as<T.AfterSale>(),
  },
  audit: {
    list: (query: { entity?: string; entityId?: string; actor?: string; action?: string; page: number; pageSize: number }) =>
      read(http.GET('/api/v1/admin/audit', { params: { query } })).as<AuditPage>(),
  },
  accounts: {
    disable: (id: number) => read(http.POST('/api/v1/admin/accounts/{id}/disable', { params: { path: { id: String(id) } } })).as<T.AccountState>(),
    enable: (id: number) => read(http.POST('/api/v1/admin/accounts/{id}/enable', { params: { path: { id: String(id) } } })).as<T.AccountState>(),
  },
}

