import { describe, expect, it } from 'vitest'
import { i18n } from '@/i18n'
import '@/console/i18n'
import { blankProductFilters, formatBytes, moved, productQuery } from '@/console/pages/productImages'

describe('moving a product image', () => {
  it('swaps it with its neighbour', () => {
    expect(moved([1, 2, 3], 1, -1)).toEqual([2, 1, 3])
    expect(moved([1, 2, 3], 1, 1)).toEqual([1, 3, 2])
    expect(moved([1, 2, 3], 0, 1)).toEqual([2, 1, 3])
  })

  it('never past either end, and never from outside the list', () => {
    expect(moved([1, 2, 3], 0, -1)).toBeNull()
    expect(moved([1, 2, 3], 2, 1)).toBeNull()
    expect(moved([1], 0, 1)).toBeNull()
    expect(moved([], 0, 1)).toBeNull()
    expect(moved([1, 2], 5, -1)).toBeNull()
  })

  it('leaves the given order untouched', () => {
    const ids = [7, 8, 9]
    moved(ids, 2, -1)
    expect(ids).toEqual([7, 8, 9])
  })
})

describe('image sizes', () => {
  it.each([
    [null, ''],
    [undefined, ''],
    [0, '0 B'],
    [1023, '1023 B'],
    [1536, '1.5 KB'],
    [5 * 1024 * 1024, '5.0 MB'],
  ])('%s → %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text)
  })
})

describe('the admin product list query', () => {
  it('names only the filters chosen', () => {
    expect(productQuery({ ...blankProductFilters(), page: 1, pageSize: 20 })).toEqual({ page: 1, pageSize: 20 })
  })

  it('passes every chosen filter, the keyword trimmed', () => {
    expect(productQuery({ q: '  四件套 ', categoryId: 3, shelf: 'off', stock: 'lowStock', sort: 'price_desc', page: 2, pageSize: 50 }))
      .toEqual({ q: '四件套', categoryId: 3, shelf: 'off', stock: 'lowStock', sort: 'price_desc', page: 2, pageSize: 50 })
  })

  it('drops a blank keyword', () => {
    expect(productQuery({ ...blankProductFilters(), q: '   ', page: 1, pageSize: 20 })).not.toHaveProperty('q')
  })
})

describe('the products page texts', () => {
  it.each(['zh-CN', 'en'] as const)('every shelf, stock and sort choice has a %s label', (locale) => {
    const has = (key: string) => i18n.global.te(`console.products.${key}`, locale)
    for (const s of ['all', 'on', 'off']) expect(has(`shelves.${s}`)).toBe(true)
    for (const s of ['any', 'lowStock', 'outOfStock']) expect(has(`stocks.${s}`)).toBe(true)
    for (const s of ['newest', 'updated', 'price_asc', 'price_desc', 'stock_asc', 'stock_desc', 'sales']) expect(has(`sorts.${s}`)).toBe(true)
    for (const k of ['uploadImage', 'moveUp', 'moveDown', 'cover', 'confirmDeleteImage', 'imageUploaded', 'imagesSorted', 'imageDeleted']) expect(has(k)).toBe(true)
  })
})
