import { createHttp } from './http'
import { createApi } from './index'
import { useAuthStore } from '@/stores/auth'
import { i18n } from '@/i18n'

// Problems (titles, details, field errors) are worded by the API in the language the app shows.
const language = () => i18n.global.locale.value

/** The refresh call goes around the session middleware: a 401 from it means "signed out", never "refresh again". */
export const bare = createHttp(null, { language })

export const http = createHttp({
  getAccessToken: () => useAuthStore().accessToken,
  refreshAccessToken: () => useAuthStore().refresh(),
  onSessionLost: () => useAuthStore().forget(),
}, { language })

export const api = createApi(http)
