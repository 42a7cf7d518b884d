import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { api } from '@/api/client'
import type { Cart } from '@/api/types'

export const useCartStore = defineStore('cart', () => {
  const cart = ref<Cart | null>(null)
  const loading = ref(false)

  const lines = computed(() => cart.value?.lines ?? [])
  const count = computed(() => lines.value.reduce((n, line) => n + line.quantity, 0))
  /** What the API charges: lines off shelf or short of stock are left out of it. */
  const totalCents = computed(() => cart.value?.totalCents ?? 0)

  async function load() {
    loading.value = true
    try {
      cart.value = await api.cart.get()
    } finally {
      loading.value = false
    }
  }

  async function setQuantity(skuId: number, quantity: number) {
    cart.value = quantity > 0 ? await api.cart.set(skuId, quantity) : await api.cart.remove(skuId)
  }

  async function add(skuId: number, quantity = 1) {
    const existing = lines.value.find((l) => l.skuId === skuId)?.quantity ?? 0
    await setQuantity(skuId, existing + quantity)
  }

  function clear() {
    cart.value = null
  }

  return { cart, loading, lines, count, totalCents, load, setQuantity, add, clear }
})
