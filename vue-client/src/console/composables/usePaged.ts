import { reactive, ref, shallowRef } from 'vue'

export interface Page<T> {
  items: T[]
  total: number
}

/**
 * A server-side paged list behind a table: the current page, its size, the rows and the total, the loading flag
 * and the last failure (for ProblemAlert). `filters` are what the search bar edits; search() applies them from the
 * first page; changing the page or its size loads again. An answer that arrives after a newer request is dropped.
 */
export function usePaged<T, F extends object>(load: (query: F & { page: number; pageSize: number }) => Promise<Page<T>>, initial: F, pageSize = 20) {
  const filters = reactive({ ...initial }) as F
  const page = ref(1)
  const size = ref(pageSize)
  const rows = shallowRef<T[]>([])
  const total = ref(0)
  const loading = ref(false)
  const error = shallowRef<unknown>(null)
  let applied = { ...initial } as F
  let latest = 0

  async function reload() {
    const ticket = ++latest
    loading.value = true
    error.value = null
    try {
      const result = await load({ ...applied, page: page.value, pageSize: size.value })
      if (ticket !== latest) return
      rows.value = result.items
      total.value = result.total
    } catch (e) {
      if (ticket === latest) error.value = e
    } finally {
      if (ticket === latest) loading.value = false
    }
  }

  function search() {
    applied = { ...filters } as F
    page.value = 1
    return reload()
  }

  function reset() {
    Object.assign(filters, initial)
    return search()
  }

  function setPage(value: number) {
    page.value = value
    return reload()
  }

  function setSize(value: number) {
    size.value = value
    page.value = 1
    return reload()
  }

  return { filters, page, size, rows, total, loading, error, reload, search, reset, setPage, setSize }
}
