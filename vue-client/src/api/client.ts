import { createHttp } from './http'
import { createApi } from './index'
import { useAuthStore } from '@/stores/auth'

/** The refresh call goes around the session middleware: a 401 from it means "signed out", never "refresh again". */
export const bare = createHttp(null)

export const http = createHttp({
  getAccessToken: () => useAuthStore().accessToken,
  refreshAccessToken: () => useAuthStore().refresh(),
  onSessionLost: () => useAuthStore().forget(),
})

export const api = createApi(http)
