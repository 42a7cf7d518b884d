import axios from 'axios'
import { createHttp } from './http'
import { createApi } from './index'
import { useAuthStore } from '@/stores/auth'

/** The refresh call goes around the interceptors: a 401 from it means "signed out", never "refresh again". */
export const bare = axios.create({ baseURL: '/api/v1', withCredentials: true, timeout: 20_000 })

export const http = createHttp({
  getAccessToken: () => useAuthStore().accessToken,
  refreshAccessToken: () => useAuthStore().refresh(),
  onSessionLost: () => useAuthStore().forget(),
})

export const api = createApi(http)
