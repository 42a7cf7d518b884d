/**
 * A hint that this browser has a session: set at sign-in, cleared at sign-out. The refresh token is in an HttpOnly
 * cookie script cannot see, so without the hint a guest's every load would ask POST /auth/refresh and get a 401.
 * It holds no secret: only "try to refresh".
 */
export const SESSION_HINT_KEY = 'mall.session'

export function hasSessionHint(storage: Pick<Storage, 'getItem'> = localStorage): boolean {
  try {
    return storage.getItem(SESSION_HINT_KEY) === '1'
  } catch {
    return false
  }
}

export function setSessionHint(on: boolean, storage: Pick<Storage, 'setItem' | 'removeItem'> = localStorage) {
  try {
    if (on) storage.setItem(SESSION_HINT_KEY, '1')
    else storage.removeItem(SESSION_HINT_KEY)
  } catch {
    // Storage can be disabled (private mode): the session still works in this tab.
  }
}

export type SessionMessage = { type: 'signed-out' } | { type: 'signed-in' }

const CHANNEL = 'mall.session'

/** Tells the other tabs of this shop that the session changed (they forget it, or restore it from the cookie). */
export function openSessionChannel(onMessage: (m: SessionMessage) => void): { post: (m: SessionMessage) => void; close: () => void } {
  if (typeof BroadcastChannel === 'undefined') return { post: () => undefined, close: () => undefined }
  const channel = new BroadcastChannel(CHANNEL)
  channel.onmessage = (e: MessageEvent<SessionMessage>) => {
    if (e.data?.type === 'signed-out' || e.data?.type === 'signed-in') onMessage(e.data)
  }
  return { post: (m) => channel.postMessage(m), close: () => channel.close() }
}
