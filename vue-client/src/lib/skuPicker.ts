import type { Sku } from '@/api/types'

/** What the shopper has picked so far: spec name → value ('' or absent: not chosen). */
export type Choice = Record<string, string>

/**
 * How a spec value shows on the product page:
 * - `chosen`: it is the current pick;
 * - `open`: an in-stock SKU has it together with the other picks;
 * - `switch`: in stock, but only with other values of the other specs — tapping it re-picks them;
 * - `disabled`: no SKU in stock has it at all (greyed out, tapping does nothing).
 */
export type ValueState = 'chosen' | 'open' | 'switch' | 'disabled'

/** What the "add to cart" / "buy now" buttons do with the current picks. */
export type Action = { kind: 'choose'; missing: string[] } | { kind: 'soldOut'; sku: Sku } | { kind: 'ready'; sku: Sku }

const inStock = (s: Sku) => s.available > 0

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

/** The spec names not picked yet. */
export function missingSpecs(skus: Sku[], chosen: Choice): string[] {
  return Object.keys(specOptions(skus)).filter((n) => !chosen[n])
}

/** The SKU of a complete pick (sold out or not), or null while a spec is missing or the combination does not exist. */
export function matchingSku(skus: Sku[], chosen: Choice): Sku | null {
  const names = Object.keys(specOptions(skus))
  if (names.length === 0) return skus.length === 1 ? skus[0]! : null
  if (names.some((n) => !chosen[n])) return null
  return skus.find((s) => names.every((n) => s.specs[n] === chosen[n])) ?? null
}

/** Whether an in-stock SKU has this value together with every other pick. */
function fitsOthers(sku: Sku, chosen: Choice, name: string): boolean {
  return Object.entries(chosen).every(([n, v]) => n === name || !v || sku.specs[n] === v)
}

export function valueState(skus: Sku[], chosen: Choice, name: string, value: string): ValueState {
  if (chosen[name] === value) return 'chosen'
  const withValue = skus.filter((s) => s.specs[name] === value && inStock(s))
  if (withValue.length === 0) return 'disabled'
  return withValue.some((s) => fitsOthers(s, chosen, name)) ? 'open' : 'switch'
}

/** A value can be tapped unless no SKU in stock has it at all. */
export function isSelectable(skus: Sku[], chosen: Choice, name: string, value: string): boolean {
  return valueState(skus, chosen, name, value) !== 'disabled'
}

/**
 * The picks after tapping a value: the chosen value again un-picks it; a value that fits the other picks is added;
 * a value in stock only elsewhere re-picks the others to the in-stock SKU that keeps most of them (the first such
 * SKU in the catalog's order on a tie); a disabled value changes nothing.
 */
export function choose(skus: Sku[], chosen: Choice, name: string, value: string): Choice {
  const state = valueState(skus, chosen, name, value)
  if (state === 'disabled') return { ...chosen }
  if (state === 'chosen') return { ...chosen, [name]: '' }
  if (state === 'open') return { ...chosen, [name]: value }
  let best: Sku | null = null
  let bestKept = -1
  for (const s of skus) {
    if (s.specs[name] !== value || !inStock(s)) continue
    const kept = Object.entries(chosen).filter(([n, v]) => n !== name && v && s.specs[n] === v).length
    if (kept > bestKept) [best, bestKept] = [s, kept]
  }
  return { ...chosen, ...best!.specs }
}

/** The picks a product page starts with: the first SKU in stock (one tap buys a single-SKU product), else the first SKU. */
export function initialChoice(skus: Sku[]): Choice {
  const first = skus.find(inStock) ?? skus[0]
  return first ? { ...first.specs } : {}
}

export function action(skus: Sku[], chosen: Choice): Action {
  const sku = matchingSku(skus, chosen)
  // Nothing left to pick from: the product as a whole is sold out.
  if (skus.length > 0 && !skus.some(inStock)) return { kind: 'soldOut', sku: sku ?? skus[0]! }
  if (!sku) {
    const missing = missingSpecs(skus, chosen)
    return { kind: 'choose', missing: missing.length ? missing : Object.keys(specOptions(skus)) }
  }
  return inStock(sku) ? { kind: 'ready', sku } : { kind: 'soldOut', sku }
}
