import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'
import { VantResolver } from '@vant/auto-import-resolver'
import type { Plugin } from 'vite'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, relative } from 'node:path'
import { createHash } from 'node:crypto'
import { fileURLToPath, URL } from 'node:url'

// The dev server proxies what nginx proxies in production, so the app always talks to its own origin.
const api = process.env.MALL_API_URL ?? 'http://127.0.0.1:5080'
const root = fileURLToPath(new URL('.', import.meta.url))

// Vant's icon font comes inlined in its CSS as base64 woff2 (~30 KB that gzip cannot shrink, in a stylesheet that
// blocks the first paint) with a CDN copy as fallback. The shop loads nothing from elsewhere (CSP), and the font
// goes to a hashed file of its own under /assets/, fetched only when an icon is drawn and then cached for good.
const vantIconFont: Plugin = {
  name: 'mall-vant-icon-font',
  enforce: 'pre',
  transform(code, id) {
    if (!id.includes('vant') || !id.endsWith('.css')) return
    let css = code.replace(/,\s*url\(\/\/at\.alicdn\.com[^)]*\)\s*format\("woff"\)/g, '')
    css = css.replace(/url\(["']?data:font\/woff2;(?:charset=utf-8;)?base64,([A-Za-z0-9+/=]+)["']?\)/g, (_all, base64: string) => {
      const font = Buffer.from(base64, 'base64')
      const file = `${root}node_modules/.cache/mall-fonts/vant-icon-${createHash('sha256').update(font).digest('hex').slice(0, 8)}.woff2`
      mkdirSync(dirname(file), { recursive: true })
      writeFileSync(file, font)
      // Relative to the stylesheet, so Vite's CSS pipeline resolves it and emits the file with a content hash.
      return `url("${relative(dirname(id.replace(/\?.*$/, '')), file)}")`
    })
    return css
  },
}

// Element Plus and what only it needs. They go to a chunk of their own that only the console's lazy routes import;
// under the catch-all "vendor" rule below they would land in the shopper's eager vendor chunk.
const consoleVendor =
  /node_modules\/(element-plus|@element-plus|dayjs|lodash-es|lodash-unified|lodash|@vueuse|@floating-ui|@popperjs|@sxzz|async-validator|memoize-one|normalize-wheel-es|@ctrl)\//

// Vue's Options API and vue-i18n's legacy API are not used (every component uses <script setup>, vue-i18n runs
// with legacy: false): leaving them out of the build makes the framework chunk smaller.
const featureFlags = {
  __VUE_OPTIONS_API__: 'false',
  __VUE_PROD_DEVTOOLS__: 'false',
  __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
  __VUE_I18N_LEGACY_API__: 'false',
  __VUE_I18N_FULL_INSTALL__: 'false',
  __INTLIFY_PROD_DEVTOOLS__: 'false',
}

const framework = /node_modules\/(vue|@vue|pinia|vue-router|vue-i18n|@intlify|openapi-fetch)\//

/**
 * Writes the chunk graph of a build (which chunk statically or lazily imports which, its CSS, the packages and
 * source files in it) to .bundle-graph.json beside this file, outside dist/ so nginx never serves it.
 * scripts/bundle-budget.mjs reads it to measure the shopper's first load and to find console code in it.
 */
const bundleGraph: Plugin = {
  name: 'mall-bundle-graph',
  apply: 'build',
  // A failed build must not leave the previous build's graph behind to be measured.
  buildStart() {
    rmSync(`${root}.bundle-graph.json`, { force: true })
  },
  generateBundle(_options, bundle) {
    const source = (id: string) => {
      const clean = id.replace(/\?.*$/, '').replace(/^\0/, '')
      const pkg = clean.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//)
      return pkg ? `npm:${pkg[1]}` : relative(root, clean)
    }
    const chunks: Record<string, unknown> = {}
    for (const output of Object.values(bundle)) {
      if (output.type !== 'chunk') continue
      const meta = (output as { viteMetadata?: { importedCss?: Set<string> } }).viteMetadata
      chunks[output.fileName] = {
        name: output.name,
        isEntry: output.isEntry,
        isDynamicEntry: output.isDynamicEntry,
        facade: output.facadeModuleId ? source(output.facadeModuleId) : null,
        imports: output.imports,
        dynamicImports: output.dynamicImports,
        css: [...(meta?.importedCss ?? [])],
        modules: [...new Set(output.moduleIds.map(source))].sort(),
      }
    }
    const file = `${root}.bundle-graph.json`
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(file, JSON.stringify({ outDir: 'dist', chunks }, null, 1))
  },
}

export default defineConfig({
  plugins: [
    vue(),
    vantIconFont,
    // Components on demand: each SFC imports the Vant or Element Plus components (and their CSS) it uses, so the
    // shopper's pages carry only their Vant parts and Element Plus stays in the console's chunks. Function-style
    // APIs (showToast, ElMessage, …) are imported by hand together with their styles (lib/notify.ts, console/).
    Components({
      dts: 'src/components.d.ts',
      dirs: [],
      resolvers: [VantResolver(), ElementPlusResolver({ importStyle: 'css' })],
    }),
    bundleGraph,
  ],
  define: featureFlags,
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
    rolldownOptions: {
      output: {
        // Named chunks by priority: a group also takes the dependencies of what it captures (unless a group of
        // higher priority took them first), so the framework is claimed before Element Plus could pull Vue into its
        // chunk. Everything else (Vant's components, qrcode, the hash library) goes with the pages that use it: a
        // catch-all vendor chunk would put the payment page's libraries into every first load.
        codeSplitting: {
          groups: [
            { name: 'vendor', test: framework, priority: 40 },
            { name: 'signalr', test: /node_modules\/@microsoft\/signalr\//, priority: 30 },
            // Loaded only when a DSN is configured, so never part of the eager vendor chunk.
            { name: 'sentry', test: /node_modules\/@sentry/, priority: 30 },
            { name: 'element-plus', test: consoleVendor, priority: 20 },
          ],
        },
      },
    },
  },
  test: {
    environment: 'jsdom',
    include: ['tests/**/*.spec.ts'],
    // The components' style imports (vant/es/*/style, element-plus/es/components/*/style/css) are CSS files, which
    // Node cannot import: Vite transforms these packages instead of handing them to Node.
    server: { deps: { inline: ['vant', 'element-plus'] } },
  },
})
