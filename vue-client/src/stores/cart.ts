import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { api } from '@/api/client'
import type { Cart } from '@/api/types'

export const useCartStore = defineStore('cart', () => {
  const cart = ref<Cart | null>(null)
  const loading = ref(false)

  const items = computed(() => cart.value?.items ?? [])
  const count = computed(() => items.value.reduce((n, line) => n + line.quantity, 0))
  const totalCents = computed(() => cart.value?.totalCents ?? items.value.reduce((s, l) => s + (l.lineTotalCents ?? l.priceCents * l.quantity), 0))

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
    if (!Array.isArray(cart.value?.items)) await load()
  }

  async function add(skuId: number, quantity = 1) {
    const existing = items.value.find((l) => l.skuId === skuId)?.quantity ?? 0
    await setQuantity(skuId, existing + quantity)
  }

  function clear() {
    cart.value = null
  }

  return { cart, loading, items, count, totalCents, load, setQuantity, add, clear }
})
