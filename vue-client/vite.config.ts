import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'
import type { Plugin } from 'vite'
import { fileURLToPath, URL } from 'node:url'

// The dev server proxies what nginx proxies in production, so the app always talks to its own origin.
const api = process.env.MALL_API_URL ?? 'http://127.0.0.1:5080'

// Vant's icon font is inlined as woff2 and falls back to a CDN copy; the shop loads nothing from elsewhere (CSP).
const noCdnFont: Plugin = {
  name: 'mall-no-cdn-font',
  enforce: 'pre',
  transform(code, id) {
    if (id.includes('vant') && id.endsWith('.css')) return code.replace(/,\s*url\(\/\/at\.alicdn\.com[^)]*\)\s*format\("woff"\)/g, '')
  },
}

export default defineConfig({
  plugins: [vue(), noCdnFont],
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  server: {
    proxy: {
      '/api': api,
      '/hubs': { target: api, ws: true },
      '/sandbox': api,
      '/media': api,
      '/openapi': api,
      '/.well-known': api,
    },
  },
  build: {
    chunkSizeWarningLimit: 900,
    rollupOptions: {
      output: {
        manualChunks(id: string) {
          if (id.includes('node_modules/vant')) return 'vant'
          if (id.includes('node_modules/@microsoft/signalr')) return 'signalr'
          // Loaded only when a DSN is configured, so never part of the eager vendor chunk.
          if (id.includes('node_modules/@sentry')) return 'sentry'
          if (id.includes('node_modules')) return 'vendor'
        },
      },
    },
  },
  test: {
    environment: 'jsdom',
    include: ['tests/**/*.spec.ts'],
  },
})
