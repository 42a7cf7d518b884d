type Translate = (key: string, values?: Record<string, unknown>) => string

/** Below this many left, a line says how many (JD's 仅剩 N 件). */
export const LOW_STOCK = 5

/** What stands in the way of buying a line as it is (blocking), or a low-stock hint; null when nothing needs saying. */
export function stockWarning(
  line: { onShelf: boolean; available: number; shortOfStock: boolean },
  t: Translate,
): { text: string; blocking: boolean } | null {
  if (!line.onShelf) return { text: t('cart.offShelf'), blocking: true }
  if (line.available === 0) return { text: t('cart.soldOut'), blocking: true }
  if (line.shortOfStock) return { text: t('cart.short', { n: line.available }), blocking: true }
  if (line.available <= LOW_STOCK) return { text: t('cart.lowStock', { n: line.available }), blocking: false }
  return null
}

const reasons: Record<string, string> = {
  'sku.insufficient_stock': 'cart.reasons.stock',
  'product.off_shelf': 'cart.offShelf',
  'sku.not_found': 'cart.reasons.gone',
  'cart.full': 'cart.reasons.full',
}

/** Why a guest line could not move into the account's cart, from the API's problem code. */
export const problemText = (code: string, t: Translate) => t(reasons[code] ?? 'cart.reasons.other')
