import type { Sku } from '@/api/types'

/** Spec names in first-seen order, each with its values: {颜色: [红, 蓝], 尺码: [M, L]}. */
export function specOptions(skus: Sku[]): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const sku of skus)
    for (const [name, value] of Object.entries(sku.specs)) {
      const values = (out[name] ??= [])
      if (!values.includes(value)) values.push(value)
    }
  return out
}

export function matchingSku(skus: Sku[], chosen: Record<string, string>): Sku | null {
  const names = Object.keys(specOptions(skus))
  if (names.some((n) => !chosen[n])) return skus.length === 1 ? skus[0]! : null
  return skus.find((s) => names.every((n) => s.specs[n] === chosen[n])) ?? null
}

/** A value can be picked when some SKU in stock has it together with the other choices made so far. */
export function isSelectable(skus: Sku[], chosen: Record<string, string>, name: string, value: string): boolean {
  return skus.some(
    (s) => s.specs[name] === value && s.available > 0 && Object.entries(chosen).every(([n, v]) => n === name || s.specs[n] === v),
  )
}
