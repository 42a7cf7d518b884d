import { showFailToast, showSuccessToast } from 'vant'
import { humanMessage, type Translate } from '@/api/problem'

export function toastError(error: unknown, t: Translate) {
  showFailToast({ message: humanMessage(error, t), duration: 3000 })
}

export function toastOk(message: string) {
  showSuccessToast(message)
}
