import type { CartLine, Product } from '@/api/types'

/** A guest's cart line as the browser keeps it: what to buy, never a price (prices are read fresh from the catalog). */
export interface GuestLine {
  skuId: number
  productId: number
  quantity: number
}

/** Keep equal to the API's Cart:MaxQuantityPerLine: the server refuses more in one line. */
export const MAX_QUANTITY_PER_LINE = 10
/** Keep equal to the API's Cart:MaxLines. */
export const MAX_LINES = 50
export const GUEST_CART_KEY = 'mall.guestCart'

function isLine(v: unknown): v is GuestLine {
  const l = v as GuestLine
  return !!l && [l.skuId, l.productId, l.quantity].every((n) => Number.isSafeInteger(n) && n > 0)
}

/** Whatever the storage holds; anything malformed is dropped rather than trusted (it may be an old or edited value). */
export function readGuestCart(storage: Pick<Storage, 'getItem'> = localStorage): GuestLine[] {
  try {
    const parsed: unknown = JSON.parse(storage.getItem(GUEST_CART_KEY) ?? '[]')
    if (!Array.isArray(parsed)) return []
    const seen = new Set<number>()
    return parsed.filter(isLine).filter((l) => !seen.has(l.skuId) && seen.add(l.skuId))
      .map((l) => ({ skuId: l.skuId, productId: l.productId, quantity: Math.min(l.quantity, MAX_QUANTITY_PER_LINE) }))
  } catch {
    return []
  }
}

export function writeGuestCart(lines: GuestLine[], storage: Pick<Storage, 'setItem' | 'removeItem'> = localStorage) {
  if (lines.length) storage.setItem(GUEST_CART_KEY, JSON.stringify(lines))
  else storage.removeItem(GUEST_CART_KEY)
}

/** The guest cart with `quantity` set on a SKU (0 removes it); a new SKU goes first, as the server cart shows it. */
export function setGuestLine(lines: GuestLine[], skuId: number, productId: number, quantity: number): GuestLine[] {
  const rest = lines.filter((l) => l.skuId !== skuId)
  if (quantity <= 0) return rest
  const capped = Math.min(quantity, MAX_QUANTITY_PER_LINE)
  const existing = lines.find((l) => l.skuId === skuId)
  if (existing) return lines.map((l) => (l.skuId === skuId ? { ...l, quantity: capped } : l))
  if (lines.length >= MAX_LINES) throw new Error('cart.full')
  return [...rest, { skuId, productId, quantity: capped }]
}

/**
 * Prices a guest cart from the catalog's product pages, into the lines the signed-in cart shows. A product the
 * catalog no longer shows (404: off shelf or gone) still shows its line, as off shelf, so the shopper can remove it.
 */
export function guestCartLines(lines: GuestLine[], products: Map<number, Product | null>): CartLine[] {
  return lines.map((l) => {
    const product = products.get(l.productId) ?? null
    const sku = product?.skus?.find((s) => s.id === l.skuId)
    const available = Math.max(0, sku?.available ?? 0)
    const priceCents = sku?.priceCents ?? 0
    const onShelf = !!sku
    return {
      skuId: l.skuId, productId: l.productId, title: product?.title ?? '', specs: sku?.specs ?? {}, image: product?.images?.[0] ?? '',
      priceCents, quantity: l.quantity, lineTotalCents: priceCents * l.quantity, available, onShelf, shortOfStock: l.quantity > available,
    }
  })
}

/** One step of merging a guest cart into an account's cart at sign-in. */
export interface MergeStep {
  skuId: number
  /** The quantity to set on the account's line: its own plus the guest's, capped. */
  quantity: number
  /** The guest asked for more than fits in one line. */
  capped: boolean
}

/** Quantities are added, capped at the per-line maximum; a line already at the cap needs no call. */
export function mergePlan(guest: GuestLine[], account: { skuId: number; quantity: number }[]): MergeStep[] {
  const have = new Map(account.map((l) => [l.skuId, l.quantity]))
  const steps: MergeStep[] = []
  for (const l of guest) {
    const current = have.get(l.skuId) ?? 0
    const wanted = current + l.quantity
    const quantity = Math.min(wanted, MAX_QUANTITY_PER_LINE)
    if (quantity > current) steps.push({ skuId: l.skuId, quantity, capped: wanted > quantity })
    else if (wanted > quantity) steps.push({ skuId: l.skuId, quantity: current, capped: true })
  }
  return steps.filter((s, i, all) => all.findIndex((o) => o.skuId === s.skuId) === i)
}

/** What the shopper is told after a merge: lines that could not be moved (with why), and lines that were capped. */
export interface MergeOutcome {
  merged: number
  capped: number[]
  failed: { skuId: number; title: string; reason: string }[]
}
