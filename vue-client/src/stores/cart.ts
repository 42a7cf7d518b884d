import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import { api } from '@/api/client'
import { statusOf } from '@/api/problem'
import type { Cart, CartLine, Product } from '@/api/types'
import { useAuthStore } from '@/stores/auth'
import { i18n } from '@/i18n'
import { MAX_LINES, guestCartLines, mergePlan, readGuestCart, setGuestLine, writeGuestCart, type MergeOutcome } from '@/lib/guestCart'
import { allTicked, buyable, readUnticked, tickAll, tickedLines, tickedTotal, toggle, writeUnticked } from '@/lib/cartSelection'

/** Thrown for what the server would refuse, checked in the browser for a guest's cart; worded in the app's language. */
export class GuestCartError extends Error {
  constructor(
    readonly key: string,
    readonly values: Record<string, unknown> = {},
  ) {
    super(i18n.global.t(key, values))
    this.name = 'GuestCartError'
  }
}

function summarise(lines: CartLine[]): Cart {
  const ok = lines.filter(buyable)
  return {
    lines,
    totalQuantity: lines.reduce((n, l) => n + l.quantity, 0),
    totalCents: ok.reduce((n, l) => n + l.lineTotalCents, 0),
    purchasable: lines.length > 0 && ok.length === lines.length,
  }
}

/**
 * The cart: the account's (the API's) once signed in, else the guest's, kept in this browser and priced from the
 * catalog. At sign-in the guest's lines move into the account's cart; what could not move is reported, not lost.
 */
export const useCartStore = defineStore('cart', () => {
  const auth = useAuthStore()
  const cart = ref<Cart | null>(null)
  const loading = ref(false)
  const unticked = ref<Set<number>>(readUnticked())
  /** The last sign-in's merge of the guest cart, for the cart page to show (null when there was nothing to merge). */
  const mergeReport = ref<MergeOutcome | null>(null)
  let merging: Promise<void> | null = null

  const lines = computed(() => cart.value?.lines ?? [])
  const count = computed(() => lines.value.reduce((n, line) => n + line.quantity, 0))
  /** What the API charges: lines off shelf or short of stock are left out of it. */
  const totalCents = computed(() => cart.value?.totalCents ?? 0)
  const ticked = computed(() => tickedLines(lines.value, unticked.value))
  const tickedCents = computed(() => tickedTotal(lines.value, unticked.value))
  const everythingTicked = computed(() => allTicked(lines.value, unticked.value))

  function setUnticked(next: Set<number>) {
    unticked.value = next
    writeUnticked(next)
  }
  const tick = (skuId: number, on: boolean) => setUnticked(toggle(unticked.value, skuId, on))
  const tickEverything = (on: boolean) => setUnticked(tickAll(lines.value, on))

  async function guestCart(): Promise<Cart> {
    const stored = readGuestCart()
    const products = new Map<number, Product | null>()
    await Promise.all([...new Set(stored.map((l) => l.productId))].map(async (id) => {
      try {
        products.set(id, await api.catalog.product(id))
      } catch (e) {
        // Off shelf or deleted: the line stays, flagged, for the shopper to remove.
        if (statusOf(e) === 404) products.set(id, null)
        else throw e
      }
    }))
    return summarise(guestCartLines(stored, products))
  }

  async function load() {
    loading.value = true
    try {
      if (merging) await merging
      cart.value = auth.isSignedIn ? await api.cart.get() : await guestCart()
    } finally {
      loading.value = false
    }
  }

  async function setQuantity(skuId: number, quantity: number, productId?: number) {
    if (auth.isSignedIn) {
      cart.value = quantity > 0 ? await api.cart.set(skuId, quantity) : await api.cart.remove(skuId)
      return
    }
    const line = lines.value.find((l) => l.skuId === skuId)
    if (quantity > 0 && line && !line.onShelf) throw new GuestCartError('cart.offShelf')
    if (quantity > 0 && line && quantity > line.available) throw new GuestCartError('cart.short', { n: line.available })
    const pid = productId ?? line?.productId
    if (pid === undefined) return
    try {
      writeGuestCart(setGuestLine(readGuestCart(), skuId, pid, quantity))
    } catch {
      throw new GuestCartError('cart.full', { max: MAX_LINES })
    }
    await load()
  }

  async function add(skuId: number, quantity = 1, productId?: number) {
    if (!auth.isSignedIn && !cart.value) await load()
    const existing = lines.value.find((l) => l.skuId === skuId)?.quantity ?? 0
    await setQuantity(skuId, existing + quantity, productId)
  }

  /** The lines bought at checkout left the account's cart on the server: read it again. */
  function clear() {
    cart.value = null
  }

  /** Moves the guest's lines into the account's cart: quantities added and capped, failures kept for the report. */
  async function mergeGuest(titles = new Map<number, string>()): Promise<void> {
    const guest = readGuestCart()
    if (!guest.length) return
    // Claimed before the first await: another tab signing in at the same moment finds nothing left to add twice.
    writeGuestCart([])
    const outcome: MergeOutcome = { merged: 0, capped: [], failed: [] }
    let account: Cart
    try {
      account = await api.cart.get()
    } catch (e) {
      writeGuestCart(guest) // nothing was moved: keep it for the next sign-in
      throw e
    }
    for (const step of mergePlan(guest, account.lines)) {
      try {
        const current = account.lines.find((l) => l.skuId === step.skuId)?.quantity ?? 0
        if (step.quantity > current) account = await api.cart.set(step.skuId, step.quantity)
        outcome.merged++
        if (step.capped) outcome.capped.push(step.skuId)
      } catch (e) {
        const problem = (e as { problem?: { code?: string } }).problem
        outcome.failed.push({ skuId: step.skuId, title: titles.get(step.skuId) ?? '', reason: problem?.code ?? String(statusOf(e) ?? 'network') })
      }
    }
    // Every line was tried once; failed ones are reported rather than kept, which would retry them at every sign-in.
    cart.value = account
    mergeReport.value = outcome
  }

  watch(() => auth.isSignedIn, (signedIn) => {
    // The report names lines by title: the guest cart shown before sign-in had them.
    const titles = new Map(lines.value.map((l) => [l.skuId, l.title]))
    cart.value = null
    if (!signedIn) return
    merging = mergeGuest(titles).catch(() => undefined).finally(() => (merging = null))
  })

  return {
    cart, loading, lines, count, totalCents, ticked, tickedCents, everythingTicked, unticked, mergeReport,
    load, setQuantity, add, clear, tick, tickEverything, mergeGuest,
  }
})
