import { computed, ref } from 'vue'

export type SeckillState =
  | 'not-started'
  | 'counting-down'
  | 'ready'
  | 'submitting'
  | 'queued'
  | 'success'
  | 'sold-out'
  | 'limit-reached'
  | 'failed'

export type SeckillEvent =
  | 'SCHEDULED' // the activity is known and starts later
  | 'OPEN' // start time reached on the server clock
  | 'SUBMIT' // the shopper pressed the button
  | 'QUEUED' // 202: a reservation exists, the order is being written
  | 'SUCCEEDED' // the order exists (SignalR push or poll)
  | 'SOLD_OUT' // 410, or stock reached 0 before we had a reservation
  | 'RESTOCKED' // stock came back (an unpaid order expired)
  | 'LIMIT_REACHED' // 409
  | 'NOT_YET' // 425: our clock was early after all
  | 'THROTTLED' // 429 or a network blip: the shopper may try again
  | 'FAILED' // anything else, or the reservation failed
  | 'RETRY'

/**
 * The whole behaviour of the button, as data. An event missing from a state's row is ignored, which is what
 * makes double submission impossible: SUBMIT exists only in `ready`, and `submitting` leaves it.
 * Note `queued` ignores SOLD_OUT: the last unit may well be ours.
 */
export const transitions: Record<SeckillState, Partial<Record<SeckillEvent, SeckillState>>> = {
  'not-started': { SCHEDULED: 'counting-down', OPEN: 'ready', SOLD_OUT: 'sold-out', FAILED: 'failed' },
  'counting-down': { OPEN: 'ready', SOLD_OUT: 'sold-out' },
  ready: { SUBMIT: 'submitting', SOLD_OUT: 'sold-out' },
  submitting: {
    QUEUED: 'queued',
    SUCCEEDED: 'success',
    SOLD_OUT: 'sold-out',
    LIMIT_REACHED: 'limit-reached',
    NOT_YET: 'counting-down',
    THROTTLED: 'ready',
    FAILED: 'failed',
  },
  queued: { SUCCEEDED: 'success', FAILED: 'failed' },
  success: {},
  'sold-out': { RESTOCKED: 'ready' },
  'limit-reached': {},
  failed: { RETRY: 'ready', SOLD_OUT: 'sold-out' },
}

export function next(state: SeckillState, event: SeckillEvent): SeckillState {
  return transitions[state][event] ?? state
}

export function useSeckillButton(options: { debounceMs?: number; clock?: () => number } = {}) {
  const debounceMs = options.debounceMs ?? 600
  const clock = options.clock ?? (() => Date.now())
  const state = ref<SeckillState>('not-started')
  let lastPress = -Infinity

  /** Applies an event; true when it changed the state. */
  function send(event: SeckillEvent): boolean {
    const to = next(state.value, event)
    if (to === state.value) return false
    state.value = to
    return true
  }

  /**
   * A press of the button. Runs `action` only from `ready`, at most once per debounce window; the action's
   * outcome is the next event (QUEUED, SOLD_OUT, …). Returns whether the action ran.
   */
  async function press(action: () => Promise<SeckillEvent>): Promise<boolean> {
    const at = clock()
    if (at - lastPress < debounceMs) return false
    lastPress = at
    if (state.value === 'failed') send('RETRY')
    if (!send('SUBMIT')) return false
    let outcome: SeckillEvent
    try {
      outcome = await action()
    } catch {
      outcome = 'FAILED'
    }
    send(outcome)
    return true
  }

  const busy = computed(() => state.value === 'submitting' || state.value === 'queued')
  const enabled = computed(() => state.value === 'ready' || state.value === 'failed')

  return { state, send, press, busy, enabled }
}
