// Pure helpers of the product editor's images section and the product list's query (unit-tested).
import type { AdminProductQuery, ProductSort, ShelfFilter, StockFilter } from '../api'

/** The image ids in their new order after moving the one at `index` by `delta` places; null when it cannot move. */
export function moved(ids: readonly number[], index: number, delta: -1 | 1): number[] | null {
  const target = index + delta
  if (index < 0 || index >= ids.length || target < 0 || target >= ids.length) return null
  const next = [...ids]
  ;[next[index], next[target]] = [next[target]!, next[index]!]
  return next
}

/** A size for people: 1536 → "1.5 KB". */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return ''
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

export interface ProductFilters {
  q: string
  categoryId: number | undefined
  shelf: ShelfFilter
  stock: StockFilter
  sort: ProductSort
}

export const blankProductFilters = (): ProductFilters => ({ q: '', categoryId: undefined, shelf: 'all', stock: 'any', sort: 'newest' })

/** The admin list's query: empty and default filters are left out, so the URL names only what was chosen. */
export function productQuery(f: ProductFilters & { page: number; pageSize: number }): AdminProductQuery {
  const q = f.q.trim()
  return {
    ...(q ? { q } : {}),
    ...(f.categoryId ? { categoryId: f.categoryId } : {}),
    ...(f.shelf !== 'all' ? { shelf: f.shelf } : {}),
    ...(f.stock !== 'any' ? { stock: f.stock } : {}),
    ...(f.sort !== 'newest' ? { sort: f.sort } : {}),
    page: f.page,
    pageSize: f.pageSize,
  }
}
