// Shoppers of a seckill sale, for the instance and backup suites (75-instances.sh, 77-backup.sh): they sign in with
// access tokens signed by the shop's development key (as Mall.LoadTests does: no slow password hashing), listen on
// the SignalR hub with the SPA's own client (@microsoft/signalr from vue-client/node_modules), ask for a token and
// make one attempt each, and report what they got as JSON on stdout. Only loopback addresses are accepted.
//
//   node seckill-shoppers.mjs burst  config.json   (see the fields read below)
//   node seckill-shoppers.mjs hub    config.json   (connects through nginx the way the SPA does: negotiate, then WebSockets)
//   node seckill-shoppers.mjs token  config.json USER_ID ROLE   (prints an access token)
//
// config: { base, hubBase, keyPem, activityId, shoppers: [userId…], concurrency, killAfter, killPid,
//           waitSeconds, hubConnections }
import { createRequire } from 'node:module'
import { createHash, createPrivateKey, createPublicKey, randomBytes, sign } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import path from 'node:path'

const here = path.dirname(fileURLToPath(import.meta.url))
const require = createRequire(path.join(here, '../../../vue-client/package.json'))
const signalR = require('@microsoft/signalr')

// The SignalR client can throw from a WebSocket's close event while a connection is still starting (a handshake cut
// off on a loaded machine): that is one failed connection, reported as such, not the end of the run.
const strays = []
process.on('uncaughtException', (e) => strays.push(String(e?.message ?? e)))
process.on('unhandledRejection', (e) => strays.push(String(e?.message ?? e)))

const [mode, configPath] = process.argv.slice(2)
const config = JSON.parse(readFileSync(configPath, 'utf8'))
for (const url of [config.base, config.hubBase].filter(Boolean)) {
  const host = new URL(url).hostname
  if (host !== '127.0.0.1' && host !== 'localhost') throw new Error(`refusing a non-loopback target: ${url}`)
}

// ---- access tokens, exactly as the API issues them (RS256, kid = RFC 7638 thumbprint, iss mall, aud mall-api) ----
const b64url = (buffer) => Buffer.from(buffer).toString('base64url')
const privateKey = createPrivateKey(readFileSync(config.keyPem, 'utf8'))
const jwk = createPublicKey(privateKey).export({ format: 'jwk' })
const kid = b64url(createHash('sha256').update(JSON.stringify({ e: jwk.e, kty: 'RSA', n: jwk.n })).digest())
function accessToken(userId, role = 'shopper') {
  const now = Math.floor(Date.now() / 1000)
  const header = b64url(JSON.stringify({ alg: 'RS256', kid, typ: 'JWT' }))
  const payload = b64url(JSON.stringify({
    iss: 'mall', aud: 'mall-api', iat: now, nbf: now, exp: now + 3600,
    sub: String(userId), role, jti: randomBytes(16).toString('hex'), sid: randomBytes(16).toString('hex'),
  }))
  const signature = sign('RSA-SHA256', Buffer.from(`${header}.${payload}`), privateKey)
  return `${header}.${payload}.${b64url(signature)}`
}

async function call(method, url, token, body) {
  try {
    const response = await fetch(url, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Accept-Language': 'en' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15000),
    })
    const text = await response.text()
    let json = null
    try { json = JSON.parse(text) } catch { /* problem bodies are JSON; a proxy's 502 page is not */ }
    return { status: response.status, json }
  } catch (e) {
    return { status: 0, json: null, error: String(e?.cause?.code ?? e) }
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

function connect(url, token, options = {}) {
  return new signalR.HubConnectionBuilder()
    .withUrl(url, { accessTokenFactory: () => token, ...options })
    .configureLogging(signalR.LogLevel.None)
    .build()
}

// The SPA's way through nginx: negotiate, then connect with the token it got (the instances must be the same one).
async function hubCheck() {
  const results = []
  for (let i = 0; i < config.hubConnections; i++) {
    const hub = connect(`${config.base}/hubs/mall`, accessToken(config.shoppers[i % config.shoppers.length]))
    let serverTime = null
    hub.on('ServerTime', (message) => { serverTime = message.serverTimeMs })
    try {
      await hub.start()
      const deadline = Date.now() + 5000
      while (serverTime === null && Date.now() < deadline) await sleep(20)
      results.push({ connected: true, transport: hub.connection?.transport?.constructor?.name ?? null, serverTime })
    } catch (e) {
      results.push({ connected: false, error: String(e) })
    } finally {
      await hub.stop().catch(() => undefined)
    }
  }
  return { connections: results.length, ok: results.filter((r) => r.connected && r.serverTime !== null).length, results }
}

async function burst() {
  const shoppers = config.shoppers.map((userId) => ({ userId, token: accessToken(userId) }))
  const pushed = new Map() // reservationId → status pushed over SignalR
  const hubs = []
  const listening = new Set()
  if (config.hubBase) {
    // Shoppers listen on the instance that survives: results written by the other one must reach them too.
    // In batches, each connection tried up to three times: hundreds of handshakes at once time out on a busy box.
    for (let first = 0; first < shoppers.length; first += 25) {
      await Promise.all(shoppers.slice(first, first + 25).map(async (shopper) => {
        for (let attempt = 1; attempt <= 3; attempt++) {
          const hub = connect(`${config.hubBase}/hubs/mall`, shopper.token, {
            skipNegotiation: true, transport: signalR.HttpTransportType.WebSockets,
          })
          hub.on('SeckillResult', (message) => pushed.set(message.reservationId, message.status))
          try {
            await hub.start()
            hubs.push(hub)
            listening.add(shopper.userId)
            return
          } catch {
            await sleep(200 * attempt)
          }
        }
      }))
    }
  }

  const outcomes = [] // { userId, phase, status, reservationId }
  let next = 0
  let done = 0
  let killedAt = null
  const worker = async () => {
    while (next < shoppers.length) {
      const shopper = shoppers[next++]
      const token = await call('POST', `${config.base}/api/v1/seckill/activities/${config.activityId}/token`, shopper.token, {})
      let outcome
      if (token.status !== 200) outcome = { userId: shopper.userId, phase: 'token', status: token.status, error: token.error }
      else {
        const attempt = await call('POST', `${config.base}/api/v1/seckill/activities/${config.activityId}/attempts`, shopper.token,
          { token: token.json.token, quantity: 1 })
        outcome = { userId: shopper.userId, phase: 'attempt', status: attempt.status, reservationId: attempt.json?.reservationId ?? null, error: attempt.error }
      }
      outcomes.push(outcome)
      done++
      if (config.killPid && killedAt === null && done >= config.killAfter) {
        killedAt = done
        try { process.kill(config.killPid, 'SIGKILL') } catch (e) { killedAt = `failed: ${e}` }
      }
      if (config.pauseMs) await sleep(config.pauseMs)
    }
  }
  const started = Date.now()
  await Promise.all(Array.from({ length: config.concurrency }, worker))
  const burstMs = Date.now() - started

  // Every 202 must end in an order: poll each reservation (through nginx) until it is OrderCreated, with a deadline.
  const accepted = outcomes.filter((o) => o.phase === 'attempt' && o.status === 202 && o.reservationId)
  const final = new Map()
  const deadline = Date.now() + (config.waitSeconds ?? 60) * 1000
  for (const o of accepted) {
    const token = shoppers.find((s) => s.userId === o.userId).token
    for (;;) {
      const r = await call('GET', `${config.base}/api/v1/seckill/reservations/${o.reservationId}`, token)
      const status = r.json?.status ?? `HTTP ${r.status}`
      final.set(o.reservationId, status)
      if (status === 'OrderCreated' || Date.now() > deadline) break
      await sleep(250)
    }
  }
  // And its result must have been pushed to the shopper.
  const heard = accepted.filter((o) => listening.has(o.userId))
  while (config.hubBase && Date.now() < deadline && heard.some((o) => pushed.get(o.reservationId) !== 'OrderCreated')) await sleep(100)
  await Promise.all(hubs.map((hub) => hub.stop().catch(() => undefined)))

  const byStatus = {}
  for (const o of outcomes) byStatus[`${o.phase}:${o.status}`] = (byStatus[`${o.phase}:${o.status}`] ?? 0) + 1
  return {
    shoppers: shoppers.length, burstMs, killedAt, byStatus,
    accepted: accepted.map((o) => ({ userId: o.userId, reservationId: o.reservationId })),
    notCreated: accepted.filter((o) => final.get(o.reservationId) !== 'OrderCreated').map((o) => ({ ...o, last: final.get(o.reservationId) })),
    hubsConnected: hubs.length, strays,
    // Only shoppers whose hub connection stood can have heard anything.
    notPushed: config.hubBase ? heard.filter((o) => pushed.get(o.reservationId) !== 'OrderCreated').map((o) => o.reservationId) : [],
    acceptedListening: heard.length,
  }
}

if (mode === 'token') {
  process.stdout.write(accessToken(process.argv[4], process.argv[5] ?? 'shopper') + '\n')
  process.exit(0)
}
const result = mode === 'hub' ? await hubCheck() : await burst()
process.stdout.write(JSON.stringify(result) + '\n')
process.exit(0)
