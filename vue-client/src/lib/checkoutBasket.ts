import type { LocationQuery } from 'vue-router'

/** What the checkout page asks the server to price and then to order: SKU ids and quantities, or the whole cart. */
export type Basket = { fromCart: true } | { items: { skuId: number; quantity: number }[] }

const first = (v: LocationQuery[string]) => (Array.isArray(v) ? v[0] : v) ?? undefined

/** A whole number of at least 1, or null. */
function positive(v: string | null | undefined): number | null {
  if (v === null || v === undefined || !/^\d{1,15}$/.test(v.trim())) return null
  const n = Number(v)
  return n >= 1 ? n : null
}

/** `skuId:quantity,…` (the cart's ticked lines), or null when any part is malformed or a SKU repeats. */
function itemsFrom(v: string): { skuId: number; quantity: number }[] | null {
  const items = v.split(',').map((part) => {
    const [sku, quantity, ...rest] = part.split(':')
    const skuId = positive(sku)
    const q = positive(quantity)
    return skuId && q && !rest.length ? { skuId, quantity: q } : null
  })
  if (!items.length || items.some((i) => !i)) return null
  const ok = items as { skuId: number; quantity: number }[]
  return new Set(ok.map((i) => i.skuId)).size === ok.length ? ok : null
}

/**
 * The basket a checkout address names: `?items=skuId:quantity,…` (the cart's ticked lines), `?skuId=&quantity=`
 * (quantity 1 when absent) or the whole cart (`?fromCart=1`, or no SKU). Anything else in the address — a title, a price — is ignored: the page shows only what the server
 * prices. A malformed SKU id or quantity names no basket (null).
 */
export function basketFromQuery(query: LocationQuery): Basket | null {
  const itemsParam = first(query.items)
  if (itemsParam !== undefined && itemsParam !== null) {
    const items = itemsFrom(itemsParam)
    return items ? { items } : null
  }
  const skuParam = first(query.skuId)
  if (skuParam === undefined) return { fromCart: true }
  const skuId = positive(skuParam)
  const quantityParam = first(query.quantity)
  const quantity = quantityParam === undefined ? 1 : positive(quantityParam)
  return skuId && quantity ? { items: [{ skuId, quantity }] } : null
}
