import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'

vi.mock('@/api/client', () => ({
  bare: { POST: vi.fn() },
  http: {},
  api: {
    auth: { login: vi.fn(), logout: vi.fn(), me: vi.fn() },
    cart: { get: vi.fn(), set: vi.fn(), remove: vi.fn() },
    catalog: { product: vi.fn() },
  },
}))
import { api } from '@/api/client'
import { ApiError } from '@/api/problem'
import type { Cart, CartLine, Product } from '@/api/types'
import { GUEST_CART_KEY, MAX_QUANTITY_PER_LINE, guestCartLines, mergePlan, readGuestCart, setGuestLine } from '@/lib/guestCart'
import { allTicked, itemsParam, readUnticked, tickAll, tickedLines, tickedTotal, toggle, writeUnticked } from '@/lib/cartSelection'
import { problemText, stockWarning } from '@/lib/cartWarnings'
import { basketFromQuery } from '@/lib/checkoutBasket'
import { codeOf, regionOf } from '@/lib/regions'
import { areaList } from '@vant/area-data'
import { useAuthStore } from '@/stores/auth'
import { useCartStore } from '@/stores/cart'

const line = (l: Partial<CartLine> & { skuId: number }): CartLine => ({
  productId: 1, title: `T${l.skuId}`, specs: {}, image: '', priceCents: 100, quantity: 1, available: 99, onShelf: true, shortOfStock: false,
  lineTotalCents: (l.priceCents ?? 100) * (l.quantity ?? 1), ...l,
})
const cartOf = (lines: CartLine[]): Cart => ({
  lines, totalQuantity: lines.reduce((n, l) => n + l.quantity, 0),
  totalCents: lines.filter((l) => l.onShelf && !l.shortOfStock).reduce((s, l) => s + l.lineTotalCents, 0),
  purchasable: lines.length > 0 && lines.every((l) => l.onShelf && !l.shortOfStock),
})
const product = (id: number, skus: { id: number; priceCents: number; available: number }[]): Product =>
  ({ id, title: `商品${id}`, images: [`/img/${id}.png`], skus: skus.map((s) => ({ ...s, specs: { 颜色: '红' } })) }) as unknown as Product
const t = (key: string, values?: Record<string, unknown>) => (values ? `${key}:${JSON.stringify(values)}` : key)

beforeEach(() => {
  setActivePinia(createPinia())
  vi.resetAllMocks()
  localStorage.clear()
})

describe('guest cart storage', () => {
  it('drops malformed and repeated lines and caps quantities', () => {
    localStorage.setItem(GUEST_CART_KEY, JSON.stringify([
      { skuId: 1, productId: 1, quantity: 2 }, { skuId: 1, productId: 1, quantity: 5 }, { skuId: 'x', productId: 1, quantity: 1 },
      { skuId: 2, productId: 1, quantity: 99 }, null, { skuId: 3, productId: 2, quantity: 0 },
    ]))
    expect(readGuestCart()).toEqual([{ skuId: 1, productId: 1, quantity: 2 }, { skuId: 2, productId: 1, quantity: MAX_QUANTITY_PER_LINE }])
    localStorage.setItem(GUEST_CART_KEY, '{not json')
    expect(readGuestCart()).toEqual([])
  })

  it('sets, caps and removes lines', () => {
    let lines = setGuestLine([], 1, 10, 3)
    lines = setGuestLine(lines, 2, 10, 50)
    expect(lines).toEqual([{ skuId: 1, productId: 10, quantity: 3 }, { skuId: 2, productId: 10, quantity: MAX_QUANTITY_PER_LINE }])
    lines = setGuestLine(lines, 1, 10, 4)
    expect(lines[0]).toEqual({ skuId: 1, productId: 10, quantity: 4 })
    expect(setGuestLine(lines, 1, 10, 0)).toEqual([{ skuId: 2, productId: 10, quantity: MAX_QUANTITY_PER_LINE }])
  })

  it('prices lines from the catalog and flags off-shelf and short lines', () => {
    const lines = guestCartLines(
      [{ skuId: 1, productId: 10, quantity: 2 }, { skuId: 2, productId: 10, quantity: 4 }, { skuId: 3, productId: 11, quantity: 1 }],
      new Map([[10, product(10, [{ id: 1, priceCents: 500, available: 9 }, { id: 2, priceCents: 300, available: 3 }])], [11, null]]),
    )
    expect(lines.map((l) => [l.skuId, l.lineTotalCents, l.onShelf, l.shortOfStock, l.available])).toEqual([
      [1, 1000, true, false, 9], [2, 1200, true, true, 3], [3, 0, false, true, 0],
    ])
    expect(lines[0]!.title).toBe('商品10')
  })
})

describe('merging at sign-in', () => {
  it('adds quantities and caps them at the per-line maximum', () => {
    expect(mergePlan(
      [{ skuId: 1, productId: 1, quantity: 2 }, { skuId: 2, productId: 1, quantity: 8 }, { skuId: 3, productId: 1, quantity: 1 }, { skuId: 4, productId: 1, quantity: 2 }],
      [{ skuId: 2, quantity: 5 }, { skuId: 3, quantity: 1 }, { skuId: 4, quantity: MAX_QUANTITY_PER_LINE }],
    )).toEqual([
      { skuId: 1, quantity: 2, capped: false },
      { skuId: 2, quantity: MAX_QUANTITY_PER_LINE, capped: true },
      { skuId: 3, quantity: 2, capped: false },
      { skuId: 4, quantity: MAX_QUANTITY_PER_LINE, capped: true },
    ])
  })

  it('moves the guest cart into the account at sign-in and reports what failed, not losing it silently', async () => {
    localStorage.setItem(GUEST_CART_KEY, JSON.stringify([{ skuId: 1, productId: 10, quantity: 2 }, { skuId: 2, productId: 10, quantity: 1 }]))
    vi.mocked(api.catalog.product).mockResolvedValue(product(10, [{ id: 1, priceCents: 500, available: 9 }, { id: 2, priceCents: 300, available: 3 }]))
    const cart = useCartStore()
    await cart.load()
    expect(cart.lines.map((l) => l.skuId)).toEqual([1, 2])
    vi.mocked(api.cart.get).mockResolvedValue(cartOf([line({ skuId: 1, quantity: 3 })]))
    vi.mocked(api.cart.set).mockImplementation(async (skuId: number, quantity: number) => {
      if (skuId === 2) throw new ApiError(409, { status: 409, code: 'sku.insufficient_stock' })
      return cartOf([line({ skuId, quantity })])
    })
    useAuthStore().accessToken = 'jwt'
    await vi.waitFor(() => expect(cart.mergeReport).not.toBeNull())
    expect(api.cart.set).toHaveBeenCalledWith(1, 5)
    expect(cart.mergeReport).toEqual({ merged: 1, capped: [], failed: [{ skuId: 2, title: '商品10', reason: 'sku.insufficient_stock' }] })
    expect(localStorage.getItem(GUEST_CART_KEY)).toBeNull()
    vi.mocked(api.cart.get).mockResolvedValue(cartOf([line({ skuId: 1, quantity: 5 })]))
    await cart.load()
    expect(cart.count).toBe(5)
  })

  it('keeps a guest line in the browser and refuses more than is in stock', async () => {
    vi.mocked(api.catalog.product).mockResolvedValue(product(10, [{ id: 1, priceCents: 500, available: 3 }]))
    const cart = useCartStore()
    await cart.add(1, 2, 10)
    expect(readGuestCart()).toEqual([{ skuId: 1, productId: 10, quantity: 2 }])
    expect(cart.count).toBe(2)
    await expect(cart.add(1, 2, 10)).rejects.toThrow()
    expect(api.cart.set).not.toHaveBeenCalled()
  })
})

describe('ticks', () => {
  const lines = [line({ skuId: 1, quantity: 2 }), line({ skuId: 2 }), line({ skuId: 3, shortOfStock: true }), line({ skuId: 4, onShelf: false })]

  it('ticks every buyable line by default and never an unbuyable one', () => {
    expect(tickedLines(lines, new Set()).map((l) => l.skuId)).toEqual([1, 2])
    expect(allTicked(lines, new Set())).toBe(true)
    expect(tickedTotal(lines, new Set())).toBe(300)
  })

  it('unticks one line, then all, then ticks all again', () => {
    const one = toggle(new Set(), 2, false)
    expect(tickedLines(lines, one).map((l) => l.skuId)).toEqual([1])
    expect(allTicked(lines, one)).toBe(false)
    expect(tickedTotal(lines, one)).toBe(200)
    expect(tickedLines(lines, tickAll(lines, false))).toEqual([])
    expect(tickedLines(lines, tickAll(lines, true)).length).toBe(2)
    expect(tickedLines(lines, toggle(one, 2, true)).length).toBe(2)
  })

  it('remembers unticked lines in the browser', () => {
    writeUnticked(new Set([5, 7]))
    expect([...readUnticked()]).toEqual([5, 7])
    writeUnticked(new Set())
    expect(readUnticked().size).toBe(0)
  })

  it('sends only the ticked lines to checkout, and checkout reads them back', () => {
    const param = itemsParam(tickedLines(lines, new Set([2])))
    expect(param).toBe('1:2')
    expect(basketFromQuery({ items: '1:2,7:1' })).toEqual({ items: [{ skuId: 1, quantity: 2 }, { skuId: 7, quantity: 1 }] })
    expect(basketFromQuery({ items: '1:2,1:1' })).toBeNull()
    expect(basketFromQuery({ items: '1:0' })).toBeNull()
    expect(basketFromQuery({ items: '1' })).toBeNull()
    expect(basketFromQuery({ items: '' })).toBeNull()
  })
})

describe('stock warnings', () => {
  it('says off shelf, sold out, short, low, or nothing', () => {
    expect(stockWarning({ onShelf: false, available: 5, shortOfStock: false }, t)).toEqual({ text: 'cart.offShelf', blocking: true })
    expect(stockWarning({ onShelf: true, available: 0, shortOfStock: true }, t)).toEqual({ text: 'cart.soldOut', blocking: true })
    expect(stockWarning({ onShelf: true, available: 2, shortOfStock: true }, t)).toEqual({ text: 'cart.short:{"n":2}', blocking: true })
    expect(stockWarning({ onShelf: true, available: 3, shortOfStock: false }, t)).toEqual({ text: 'cart.lowStock:{"n":3}', blocking: false })
    expect(stockWarning({ onShelf: true, available: 50, shortOfStock: false }, t)).toBeNull()
    expect(problemText('sku.insufficient_stock', t)).toBe('cart.reasons.stock')
    expect(problemText('whatever', t)).toBe('cart.reasons.other')
  })
})

describe('regions', () => {
  it('maps a district code to its names and back, municipalities included', () => {
    expect(regionOf(areaList, '440305')).toEqual({ province: '广东省', city: '深圳市', district: '南山区' })
    expect(codeOf(areaList, { province: '广东省', city: '深圳市', district: '南山区' })).toBe('440305')
    expect(codeOf(areaList, regionOf(areaList, '110101')!)).toBe('110101')
    expect(codeOf(areaList, { province: '广东省', city: '杭州市', district: '南山区' })).toBe('')
    expect(regionOf(areaList, '999999')).toBeNull()
  })
})
