import { ref, shallowRef } from 'vue'
import { useI18n } from 'vue-i18n'
import { humanMessage, statusOf } from '@/api/problem'

/** Runs a loader and keeps its data, loading flag and a human error message for AsyncState. */
export function useAsync<T>(loader: () => Promise<T>, options: { immediate?: boolean } = {}) {
  const { t } = useI18n()
  const data = shallowRef<T | null>(null)
  const loading = ref(false)
  const error = ref<string | null>(null)
  const status = ref<number | undefined>()
  let generation = 0

  async function run() {
    const mine = ++generation
    loading.value = true
    error.value = null
    try {
      const value = await loader()
      if (mine === generation) data.value = value
    } catch (e) {
      if (mine === generation) {
        status.value = statusOf(e)
        error.value = humanMessage(e, t)
      }
    } finally {
      if (mine === generation) loading.value = false
    }
  }

  if (options.immediate !== false) void run()
  return { data, loading, error, status, run }
}
