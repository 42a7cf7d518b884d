import { ref, shallowRef } from 'vue'
import { notifyOk } from '../feedback'

/**
 * One operator action at a time (a form's submit, a row's button): `busy` while it runs, `error` kept for a
 * ProblemAlert when it fails (cleared on the next try), a success message when it succeeds. Resolves to the
 * action's result, or undefined when it failed.
 */
export function useAction() {
  const busy = ref(false)
  const error = shallowRef<unknown>(null)

  async function run<R>(action: () => Promise<R>, success?: string | ((result: R) => string)): Promise<R | undefined> {
    busy.value = true
    error.value = null
    try {
      const result = await action()
      if (success) notifyOk(typeof success === 'function' ? success(result) : success)
      return result
    } catch (e) {
      error.value = e
      return undefined
    } finally {
      busy.value = false
    }
  }

  return { busy, error, run }
}
