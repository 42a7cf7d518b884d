import { createApp, watch } from 'vue'
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
import { installA11yNames } from './lib/a11y'

const app = createApp(App)
const pinia = createPinia()
// Vant is not registered as a whole: every component imports the Vant parts it uses (unplugin-vue-components).
app.use(pinia).use(i18n)
useLocaleStore().apply(useLocaleStore().locale)
const router = createMallRouter()
app.use(router)
// Signed out in this tab or another (BroadcastChannel): a page that needs the session sends the shopper to sign in.
watch(() => useAuthStore().isSignedIn, (signedIn) => {
  const route = router.currentRoute.value
  if (!signedIn && route.matched.some((r) => r.meta.auth)) void router.replace({ name: 'login', query: { redirect: route.fullPath } })
})
void installMonitoring(app, router)
app.mount('#app')
installA11yNames((key) => i18n.global.t(key))

// The session comes back from the refresh cookie; the hub then connects as that user.
void useAuthStore()
  .restore()
  .then(() => installRealtime())
void useClockStore().sync()
