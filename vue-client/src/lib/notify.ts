import { showFailToast, showSuccessToast } from 'vant'
// Function-style APIs are not seen by the component resolver: their styles are imported here.
import 'vant/es/toast/style'
import { humanMessage, type Translate } from '@/api/problem'

export function toastError(error: unknown, t: Translate) {
  showFailToast({ message: humanMessage(error, t), duration: 3000 })
}

export function toastOk(message: string) {
  showSuccessToast(message)
}
