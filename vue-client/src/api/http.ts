import axios, { AxiosError, type AxiosInstance, type InternalAxiosRequestConfig } from 'axios'

export interface SessionHooks {
  /** The access token to send now (memory only). */
  getAccessToken(): string | null
  /** Obtains a new access token from the refresh cookie; null when the session is gone. */
  refreshAccessToken(): Promise<string | null>
  /** Called once when a refresh fails: the user has to sign in again. */
  onSessionLost?(): void
}

interface MallRequestConfig extends InternalAxiosRequestConfig {
  _sentWith?: string | null
  _replayed?: boolean
}

// These answer 401 for reasons a refresh cannot fix (bad password, dead refresh token).
const noRefreshPaths = ['/auth/login', '/auth/register', '/auth/refresh', '/auth/logout']

/**
 * One Axios instance for the whole app. A 401 triggers at most one refresh at a time (single flight): every
 * request that fails or starts while it runs waits for the same promise, then replays with the new token.
 */
export function createHttp(hooks: SessionHooks, baseURL = '/api/v1'): AxiosInstance {
  const http = axios.create({ baseURL, withCredentials: true, timeout: 20_000 })
  let refreshing: Promise<string | null> | null = null

  const refreshOnce = () => {
    refreshing ??= hooks
      .refreshAccessToken()
      .catch(() => null)
      .then((token) => {
        if (!token) hooks.onSessionLost?.()
        return token
      })
      .finally(() => {
        refreshing = null
      })
    return refreshing
  }

  http.interceptors.request.use(async (config: MallRequestConfig) => {
    if (refreshing && !isNoRefresh(config)) await refreshing
    const token = hooks.getAccessToken()
    config._sentWith = token
    if (token) config.headers.set('Authorization', `Bearer ${token}`)
    return config
  })

  http.interceptors.response.use(undefined, async (error: AxiosError) => {
    const config = error.config as MallRequestConfig | undefined
    if (error.response?.status !== 401 || !config || config._replayed || isNoRefresh(config)) throw error
    // Another request may already have refreshed while this one was in flight: just replay with the new token.
    const current = hooks.getAccessToken()
    const token = current && current !== config._sentWith ? current : await refreshOnce()
    if (!token) throw error
    config._replayed = true
    return http.request(config)
  })

  return http
}

function isNoRefresh(config: InternalAxiosRequestConfig) {
  return noRefreshPaths.some((p) => config.url?.startsWith(p))
}
