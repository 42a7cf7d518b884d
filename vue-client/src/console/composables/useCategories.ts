import { computed, shallowRef } from 'vue'
import { api } from '@/api/client'
import type { Category } from '@/api/types'

/** The category tree (GET /categories) with a name per id, for pickers, filters and table columns. */
export function useCategories() {
  const tree = shallowRef<Category[]>([])
  const error = shallowRef<unknown>(null)
  const loading = shallowRef(false)

  async function load() {
    loading.value = true
    error.value = null
    try {
      tree.value = (await api.catalog.categories()).categories
    } catch (e) {
      error.value = e
    } finally {
      loading.value = false
    }
  }

  const names = computed(() => {
    const map = new Map<number, string>()
    const walk = (nodes: Category[], parent?: string) => {
      for (const node of nodes) {
        map.set(node.id, parent ? `${parent} / ${node.name}` : node.name)
        walk(node.children ?? [], node.name)
      }
    }
    walk(tree.value)
    return map
  })

  return { tree, names, error, loading, load }
}
