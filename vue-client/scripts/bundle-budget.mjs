// The shopper's first load has a budget, and the operator console stays out of it.
//   node scripts/bundle-budget.mjs            (after `npm run build`; reads .bundle-graph.json and dist/)
// The first load of the shopper home is what the browser fetches before the home page shows: index.html's entry
// chunk, every chunk it imports statically, the home route's lazy chunk with its static imports, and the CSS of all
// of them. Sizes are gzip at level 5, as nginx sends them (docker/nginx/mall-site.conf: gzip_comp_level 5).
// Checks, one line each ("PASS …" / "FAIL …"), then "N passed, N failed"; exits 1 when one fails:
//   - the first load is within BUNDLE_BUDGET_KB (default 120) KB gzip, JS and CSS together;
//   - no chunk of it holds Element Plus (or what only it uses) or console code (src/console/, except the route
//     table src/console/menu.ts, which the shopper's router needs to know the /admin routes);
//   - the console is there, as a lazily loaded chunk of its own that holds Element Plus.
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const budgetKb = Number(process.env.BUNDLE_BUDGET_KB ?? 120)
const homeView = 'src/views/HomeView.vue'
const consoleLayout = 'src/console/ConsoleLayout.vue'
const consoleVendor = /^npm:(element-plus|@element-plus\/.*|dayjs|lodash-es|lodash-unified|lodash|@vueuse\/.*|@floating-ui\/.*|@popperjs\/.*|@sxzz\/.*|async-validator|memoize-one|normalize-wheel-es|@ctrl\/.*)$/
const consoleSource = (m) => m.startsWith('src/console/') && m !== 'src/console/menu.ts'

let passed = 0
let failed = 0
const check = (ok, name, detail = '') => {
  if (ok) passed++
  else failed++
  console.log(`${ok ? 'PASS' : 'FAIL'}  ${name}${detail ? `: ${detail}` : ''}`)
}

let graph
try {
  graph = JSON.parse(readFileSync(join(root, '.bundle-graph.json'), 'utf8'))
} catch (e) {
  check(false, 'the build wrote its chunk graph (.bundle-graph.json; run npm run build first)', e.message)
  console.log(`${passed} passed, ${failed} failed`)
  process.exit(1)
}
const chunks = graph.chunks
const dist = join(root, graph.outDir ?? 'dist')
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`
const missing = []
const gz = (file) => {
  try {
    return gzipSync(readFileSync(join(dist, file)), { level: 5 }).length
  } catch {
    missing.push(file)
    return 0
  }
}

/** The chunks a set of chunks loads before it runs: themselves and their static imports, transitively. */
function closure(start) {
  const seen = new Set()
  const visit = (file) => {
    if (seen.has(file) || !chunks[file]) return
    seen.add(file)
    for (const next of chunks[file].imports) visit(next)
  }
  start.forEach(visit)
  return seen
}

const entry = Object.keys(chunks).filter((f) => chunks[f].isEntry)
const home = Object.keys(chunks).filter((f) => chunks[f].facade === homeView)
check(entry.length === 1, 'the build has one entry chunk (index.html)', entry.join(', '))
check(home.length === 1, `the home page (${homeView}) is a lazy chunk of its own`, home.join(', ') || 'not found')

const firstLoad = closure([...entry, ...home])
const files = [...firstLoad].flatMap((f) => [f, ...chunks[f].css])
const sizes = [...new Set(files)].map((f) => ({ file: f, gzip: gz(f) })).sort((a, b) => b.gzip - a.gzip)
const js = sizes.filter((s) => s.file.endsWith('.js')).reduce((n, s) => n + s.gzip, 0)
const css = sizes.filter((s) => s.file.endsWith('.css')).reduce((n, s) => n + s.gzip, 0)
console.log('shopper home, first load (gzip level 5):')
for (const s of sizes) console.log(`  ${kb(s.gzip).padStart(9)}  ${s.file}`)
console.log(`  JS ${kb(js)} + CSS ${kb(css)} = ${kb(js + css)} (budget ${budgetKb} KB)`)
// Fonts are not counted: the browser fetches them when text in that font is drawn, without holding up the page.
const fonts = readdirSync(join(dist, 'assets')).filter((f) => /\.(woff2?|ttf)$/.test(f))
for (const f of fonts) console.log(`  (not counted: ${f}, ${kb(statSync(join(dist, 'assets', f)).size)}, fetched when an icon is drawn)`)
check(missing.length === 0, 'every file of the chunk graph is in dist/ (the graph is from this build)', missing.join(', '))
check(js + css <= budgetKb * 1024, `the shopper home's first load is within ${budgetKb} KB gzip`, `${kb(js + css)} (JS ${kb(js)}, CSS ${kb(css)})`)

const leaks = [...firstLoad].flatMap((f) => chunks[f].modules.filter((m) => consoleVendor.test(m) || consoleSource(m)).map((m) => `${m} in ${f}`))
check(leaks.length === 0, 'no Element Plus and no console code in the shopper first load', leaks.slice(0, 10).join(', '))

// Any page of the shopper, not only home: the entry must not import the console's chunks statically either.
const entryClosure = closure(entry)
const consoleChunks = Object.keys(chunks).filter((f) => chunks[f].facade === consoleLayout)
check(consoleChunks.length === 1 && chunks[consoleChunks[0]].isDynamicEntry && !entryClosure.has(consoleChunks[0]),
  `the console (${consoleLayout}) is a lazily loaded chunk outside the shopper entry`, consoleChunks.join(', ') || 'not found')
const consoleLoad = closure(consoleChunks)
check([...consoleLoad].some((f) => chunks[f].modules.includes('npm:element-plus')), 'the console chunk loads Element Plus')

console.log(`${passed} passed, ${failed} failed`)
process.exit(failed ? 1 : 0)
