import { createApp } from 'vue'
import { createPinia } from 'pinia'
import './styles.css'
import App from './App.vue'
import { i18n } from './i18n'
import { createMallRouter } from './router'
import { useLocaleStore } from './stores/locale'
import { useAuthStore } from './stores/auth'
import { installRealtime } from './api/realtime'
import { useClockStore } from './stores/clock'
import { installMonitoring } from './monitoring'

const app = createApp(App)
const pinia = createPinia()
// Vant is not registered as a whole: every component imports the Vant parts it uses (unplugin-vue-components).
app.use(pinia).use(i18n)
useLocaleStore().apply(useLocaleStore().locale)
const router = createMallRouter()
app.use(router)
void installMonitoring(app, router)
app.mount('#app')

// The session comes back from the refresh cookie; the hub then connects as that user.
void useAuthStore()
  .restore()
  .then(() => installRealtime())
void useClockStore().sync()
