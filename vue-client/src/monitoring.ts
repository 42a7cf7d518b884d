import type { App } from 'vue'
import type { Router } from 'vue-router'

/**
 * Error tracking is off unless the build sets VITE_SENTRY_DSN. The SDK is loaded as a separate chunk only then,
 * so a shop without a DSN never downloads it. (The nginx CSP allows only 'self': add the DSN's ingest host to
 * connect-src, or point VITE_SENTRY_TUNNEL at a same-origin relay, when turning this on.)
 */
export async function installMonitoring(app: App, router: Router) {
  const dsn = import.meta.env.VITE_SENTRY_DSN as string | undefined
  if (!dsn) return
  const Sentry = await import('@sentry/vue')
  Sentry.init({
    app,
    dsn,
    tunnel: (import.meta.env.VITE_SENTRY_TUNNEL as string | undefined) || undefined,
    environment: import.meta.env.MODE,
    integrations: [Sentry.browserTracingIntegration({ router })],
    tracesSampleRate: Number(import.meta.env.VITE_SENTRY_TRACES_SAMPLE_RATE ?? 0),
  })
}
