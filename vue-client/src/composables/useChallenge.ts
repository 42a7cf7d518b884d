import { computed, getCurrentScope, onScopeDispose, ref, shallowRef } from 'vue'
import { requestChallenge, type ChallengeDemand, type IssuedChallenge } from '@/api/challenge'
import type { Prover } from '@/api/withChallenge'
import { progressEstimate, type PowProgress, type PowSolution } from '@/lib/pow'
import { runPow } from '@/lib/powRunner'

export type ChallengeState = 'idle' | 'fetching' | 'solving' | 'solved' | 'failed'

/** A solved challenge: the `Mall-Challenge` header value and when the API stops accepting it. */
export interface Proof {
  proof: string
  /** Epoch ms on the server's clock; NaN when the API did not say. */
  expiresAt: number
}

export interface ChallengeDeps {
  request?: (demand: ChallengeDemand, signal: AbortSignal) => Promise<IssuedChallenge>
  run?: (challengeId: string, difficulty: number, onProgress: (p: PowProgress) => void, signal: AbortSignal) => Promise<PowSolution>
}

const defaultRequest = (demand: ChallengeDemand, signal: AbortSignal) => requestChallenge(demand, { signal })
const defaultRun: NonNullable<ChallengeDeps['run']> = (id, difficulty, onProgress, signal) => runPow(id, difficulty, { onProgress, signal })

/**
 * Fetches a challenge for `demand` and solves it: the proof, or null when the API answers difficulty 0 (nothing
 * to send). Without Vue: the auth store uses it when no page is watching.
 */
export async function fetchAndSolve(
  demand: ChallengeDemand,
  hooks: ChallengeDeps & { onSolving?: (difficulty: number) => void; onProgress?: (p: PowProgress) => void; signal?: AbortSignal } = {},
): Promise<Proof | null> {
  const signal = hooks.signal ?? new AbortController().signal
  const issued = await (hooks.request ?? defaultRequest)(demand, signal)
  if (issued.difficulty <= 0) return null
  hooks.onSolving?.(issued.difficulty)
  const found = await (hooks.run ?? defaultRun)(issued.challengeId, issued.difficulty, (p) => hooks.onProgress?.(p), signal)
  return { proof: `${issued.challengeId}:${found.solution}`, expiresAt: Date.parse(issued.expiresAt) }
}

/** A Prover without progress reporting. */
export const proveQuietly: Prover = async (demand) => (await fetchAndSolve(demand))?.proof ?? null

/**
 * The proof-of-work challenge for a page: fetches and solves (in a Web Worker when there is one) and exposes
 * the state and a 0..1 progress estimate for a hint ("安全验证中…").
 *
 * - `prove(demand)`: a Prover for withChallenge (the 428 → solve → retry path).
 * - `prepare(demand)`: solves ahead of time (the seckill countdown) and keeps the proof; `take()` then hands it
 *   out once (waiting for a preparation still running), or null when there is none or it has (nearly) expired.
 * - `cancel()`: stops whatever runs; also called when the component's scope ends.
 *
 * `now` is the clock the proof's `expiresAt` is compared with (the server clock on the seckill page).
 */
export function useChallenge(options: ChallengeDeps & { now?: () => number; marginMs?: number } = {}) {
  const now = options.now ?? (() => Date.now())
  const marginMs = options.marginMs ?? 5_000
  const state = ref<ChallengeState>('idle')
  const difficulty = ref(0)
  const tried = ref(0)
  const error = shallowRef<unknown>(null)
  const progress = computed(() => (state.value === 'solved' ? 1 : difficulty.value > 0 ? progressEstimate(tried.value, difficulty.value) : 0))
  const busy = computed(() => state.value === 'fetching' || state.value === 'solving')

  let controller: AbortController | null = null
  let held: Proof | null = null
  let preparing: Promise<void> | null = null

  async function solveNow(demand: ChallengeDemand): Promise<Proof | null> {
    controller?.abort()
    const mine = (controller = new AbortController())
    state.value = 'fetching'
    difficulty.value = 0
    tried.value = 0
    error.value = null
    try {
      const proof = await fetchAndSolve(demand, {
        ...options,
        signal: mine.signal,
        onSolving: (d) => {
          if (controller !== mine) return
          difficulty.value = d
          state.value = 'solving'
        },
        onProgress: (p) => {
          if (controller === mine) tried.value = p.tried
        },
      })
      if (controller === mine) state.value = proof ? 'solved' : 'idle'
      return proof
    } catch (e) {
      if (controller === mine) {
        error.value = e
        state.value = 'failed'
      }
      throw e
    } finally {
      if (controller === mine) controller = null
    }
  }

  const prove: Prover = async (demand) => (await solveNow(demand))?.proof ?? null

  const fresh = (p: Proof | null): p is Proof => p !== null && (Number.isNaN(p.expiresAt) || p.expiresAt - marginMs > now())

  /** Whether a proof is held and fresh, or being prepared. */
  const holds = () => preparing !== null || fresh(held)

  function prepare(demand: ChallengeDemand): Promise<void> {
    if (holds()) return preparing ?? Promise.resolve()
    held = null
    const run: Promise<void> = solveNow(demand)
      .then((proof) => {
        if (preparing === run) held = proof
      })
      .catch(() => undefined) // state and error tell; the guarded request will meet a 428 and solve then
      .finally(() => {
        if (preparing === run) preparing = null
      })
    preparing = run
    return run
  }

  async function take(): Promise<string | null> {
    if (preparing) await preparing
    const proof = fresh(held) ? held.proof : null
    held = null
    return proof
  }

  function cancel() {
    controller?.abort()
    controller = null
    preparing = null
    held = null
    if (busy.value) state.value = 'idle'
  }

  if (getCurrentScope()) onScopeDispose(cancel)

  return { state, progress, busy, difficulty, tried, error, prove, prepare, take, holds, cancel }
}

export type Challenge = ReturnType<typeof useChallenge>
