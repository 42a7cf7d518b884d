/**
 * Which cart lines are ticked for checkout. The browser keeps the lines the shopper UNticked, so a line added later
 * (on another page, another device) starts ticked, as shops do.
 */
export const UNTICKED_KEY = 'mall.cartUnticked'

export function readUnticked(storage: Pick<Storage, 'getItem'> = localStorage): Set<number> {
  try {
    const parsed: unknown = JSON.parse(storage.getItem(UNTICKED_KEY) ?? '[]')
    return new Set(Array.isArray(parsed) ? parsed.filter((n): n is number => Number.isSafeInteger(n) && n > 0) : [])
  } catch {
    return new Set()
  }
}

export function writeUnticked(unticked: Set<number>, storage: Pick<Storage, 'setItem' | 'removeItem'> = localStorage) {
  if (unticked.size) storage.setItem(UNTICKED_KEY, JSON.stringify([...unticked]))
  else storage.removeItem(UNTICKED_KEY)
}

interface Tickable {
  skuId: number
  quantity: number
  onShelf: boolean
  shortOfStock: boolean
  lineTotalCents: number
}

/** A line can be bought as it stands: on shelf and not more than what is in stock. */
export const buyable = (l: Tickable) => l.onShelf && !l.shortOfStock

/** The ticked lines among those in the cart; a line that cannot be bought is never ticked (its box is disabled). */
export function tickedLines<T extends Tickable>(lines: T[], unticked: Set<number>): T[] {
  return lines.filter((l) => buyable(l) && !unticked.has(l.skuId))
}

/** "Select all" is on when every buyable line is ticked (and there is one). */
export function allTicked(lines: Tickable[], unticked: Set<number>): boolean {
  const candidates = lines.filter(buyable)
  return candidates.length > 0 && candidates.every((l) => !unticked.has(l.skuId))
}

/** Ticks or unticks every line; unticking all keeps lines that are not in the cart any more out of storage. */
export function tickAll(lines: Tickable[], on: boolean): Set<number> {
  return on ? new Set() : new Set(lines.map((l) => l.skuId))
}

export function toggle(unticked: Set<number>, skuId: number, on: boolean): Set<number> {
  const next = new Set(unticked)
  if (on) next.delete(skuId)
  else next.add(skuId)
  return next
}

export function tickedTotal(lines: Tickable[], unticked: Set<number>): number {
  return tickedLines(lines, unticked).reduce((sum, l) => sum + l.lineTotalCents, 0)
}

/** The checkout address for the ticked lines: `?items=skuId:quantity,…` (the checkout page reads only this). */
export function itemsParam(lines: { skuId: number; quantity: number }[]): string {
  return lines.map((l) => `${l.skuId}:${l.quantity}`).join(',')
}
