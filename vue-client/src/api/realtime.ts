// Only types at the top: the SignalR client (~14 KB gzip) is loaded when the hub connects, after the first page shows.
import type { HubConnection, HubConnectionState } from '@microsoft/signalr'
import { watch } from 'vue'
import { useAuthStore } from '@/stores/auth'
import { useClockStore } from '@/stores/clock'
import { sampleFromRoundTrip } from '@/lib/serverClock'
import type { OrderStatus, Reservation } from './types'

/** What the hub pushes (SignalR messages are not part of the OpenAPI document; the seckill result is a reservation). */
export interface HubMessages {
  SeckillResult: Reservation
  OrderStatusChanged: { orderNo: string; status: OrderStatus }
  ActivityStock: { activityId: number; stockLeft: number }
  ServerTime: { serverTimeMs: number }
}
type Name = keyof HubMessages
type Handler<N extends Name> = (payload: HubMessages[N]) => void

const handlers: { [N in Name]: Set<Handler<N>> } = {
  SeckillResult: new Set(),
  OrderStatusChanged: new Set(),
  ActivityStock: new Set(),
  ServerTime: new Set(),
}

let connection: HubConnection | null = null
let starting: Promise<void> | null = null

/** Subscribes to a hub message for as long as the caller wants; returns the unsubscribe function. */
export function onHub<N extends Name>(name: N, handler: Handler<N>): () => void {
  handlers[name].add(handler)
  return () => handlers[name].delete(handler)
}

async function build(): Promise<HubConnection> {
  const { HubConnectionBuilder, LogLevel } = await import('@microsoft/signalr')
  const auth = useAuthStore()
  const hub = new HubConnectionBuilder()
    .withUrl('/hubs/mall', { accessTokenFactory: () => auth.accessToken ?? '' })
    .withAutomaticReconnect([0, 1000, 2000, 5000, 10000, 10000, 30000])
    .configureLogging(LogLevel.Warning)
    .build()
  for (const name of Object.keys(handlers) as Name[]) {
    // A block body on purpose: a handler that returns a value is taken as a reply to the server.
    hub.on(name, (payload: never) => {
      for (const h of handlers[name]) (h as Handler<Name>)(payload)
    })
  }
  return hub
}

/** The connection's state as its string value (the enum itself lives in the lazily loaded library). */
const stateOf = (hub: HubConnection | null): `${HubConnectionState}` => (hub?.state as `${HubConnectionState}` | undefined) ?? 'Disconnected'

/** Connects (or reconnects as the current user). Failure is fine: every page also polls. */
export function connectHub(): Promise<void> {
  if (stateOf(connection) === 'Connected') return Promise.resolve()
  starting ??= (async () => {
    try {
      connection ??= await build()
      if (stateOf(connection) === 'Disconnected') await connection.start()
      const sentAt = Date.now()
      const serverTimeMs = await connection.invoke<number>('GetServerTime')
      useClockStore().record(sampleFromRoundTrip(serverTimeMs, sentAt, Date.now()))
    } catch {
      // Offline hub: polling fallbacks take over.
    } finally {
      starting = null
    }
  })()
  return starting
}

async function reconnectAsCurrentUser() {
  const old = connection
  connection = null
  if (old) await old.stop().catch(() => undefined)
  await connectHub()
}

export function hubState(): `${HubConnectionState}` {
  return stateOf(connection)
}

/** Keeps the hub connected under the identity of whoever is signed in (messages are addressed by user id). */
export function installRealtime() {
  const auth = useAuthStore()
  const clock = useClockStore()
  onHub('ServerTime', ({ serverTimeMs }) => {
    clock.pushed(serverTimeMs)
  })
  watch(
    () => auth.user?.id ?? null,
    () => {
      void reconnectAsCurrentUser()
    },
  )
  void connectHub()
}
