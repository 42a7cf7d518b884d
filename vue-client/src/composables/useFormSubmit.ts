import { ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { fieldErrors, humanMessage } from '@/api/problem'

/**
 * A shopper form's submit: `busy` while it runs; when it fails, the problem's field errors go beside their inputs
 * (`errors`, keyed by field name) and anything else into one summary line (`message`). Both are cleared on the next
 * try. Resolves to the action's result, or undefined when it failed (as the console's useAction).
 */
export function useFormSubmit() {
  const { t } = useI18n()
  const errors = ref<Record<string, string>>({})
  const message = ref<string | null>(null)
  const busy = ref(false)

  function clear() {
    errors.value = {}
    message.value = null
  }

  async function run<R>(action: () => Promise<R>): Promise<R | undefined> {
    busy.value = true
    clear()
    try {
      return await action()
    } catch (e) {
      errors.value = fieldErrors(e)
      message.value = Object.keys(errors.value).length ? null : humanMessage(e, t)
      return undefined
    } finally {
      busy.value = false
    }
  }

  return { errors, message, busy, clear, run }
}
