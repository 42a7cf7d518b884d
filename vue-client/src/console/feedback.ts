// Element Plus's function-style APIs are not seen by the component resolver: their styles are imported here.
import { ElMessage, ElMessageBox } from 'element-plus'
import 'element-plus/es/components/message/style/css'
import 'element-plus/es/components/message-box/style/css'
import { i18n } from '@/i18n'

export function notifyOk(message: string) {
  ElMessage({ type: 'success', message, grouping: true })
}

/** Asks before an action that cannot be taken back; resolves true when the operator confirms. */
export async function confirmAction(message: string, title?: string): Promise<boolean> {
  const t = i18n.global.t
  try {
    await ElMessageBox.confirm(message, title ?? t('console.common.confirm'), {
      confirmButtonText: t('console.common.ok'),
      cancelButtonText: t('console.common.cancel'),
      type: 'warning',
    })
    return true
  } catch {
    return false
  }
}
