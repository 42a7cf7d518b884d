import type { ProductSummary, Sku } from '@/api/types'

export function imageOf(item: { image?: string | null; imageUrl?: string | null; images?: string[] } | null | undefined): string | null {
  return item?.image || item?.imageUrl || item?.images?.[0] || null
}

export function priceOf(product: Pick<ProductSummary, 'minPriceCents' | 'priceCents'> | { minPriceCents?: number; priceCents?: number }): number {
  return product.minPriceCents ?? product.priceCents ?? 0
}

export function stockOf(sku: Sku): number {
  return sku.available ?? sku.availableStock ?? sku.stock ?? 0
}
