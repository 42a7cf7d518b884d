// ============================================================================================================
// HAND-WRITTEN STAND-IN — REPLACE WITH GENERATED TYPES. The proof-of-work challenge endpoint is not in
// schema.d.ts yet. Once `npm run gen:api` has picked it up: alias the request/answer types in types.ts, call the
// endpoint with `http.POST('/api/v1/challenges', …)` from index.ts, read `challengeBits` from the generated
// activity type, and delete what this file duplicates. Until then the call goes out with plain fetch, following
// http.ts's conventions (base URL + /api/v1 path, same-origin credentials, 20 s timeout, non-2xx → ApiError).
// ============================================================================================================
import { problemIn, type HttpOptions } from './http'
import { ApiError } from './problem'

export type ChallengePurpose = 'login' | 'register' | 'seckill'

/** POST /api/v1/challenges (anonymous). */
export interface ChallengeRequest {
  purpose: ChallengePurpose
  activityId?: number
}

/** Its 200 answer. `difficulty` is a number of leading zero bits; 0 means no challenge is needed now. */
export interface IssuedChallenge {
  challengeId: string
  difficulty: number
  /** ISO 8601, on the server's clock; about two minutes after issue. */
  expiresAt: string
}

/** The `challenge` extension of a 428 problem with `code: "challenge_required"`. */
export interface ChallengeDemand {
  purpose: ChallengePurpose
  difficulty?: number
  activityId?: number
}

/** The header a guarded request carries: `<challengeId>:<solution>`. */
export const CHALLENGE_HEADER = 'Mall-Challenge'

/** The per-activity difficulty the activity JSON will carry (`challengeBits`); missing means 0 (off). */
export function challengeBitsOf(activity: object | null | undefined): number {
  const bits = (activity as { challengeBits?: unknown } | null | undefined)?.challengeBits
  return typeof bits === 'number' && Number.isFinite(bits) && bits > 0 ? bits : 0
}

/** Asks the API for a challenge. Throws ApiError like the typed client does. */
export async function requestChallenge(body: ChallengeRequest, options: HttpOptions & { signal?: AbortSignal } = {}): Promise<IssuedChallenge> {
  // The caller's signal and the timeout, linked by hand (AbortSignal.any is too new for some phone browsers).
  const linked = new AbortController()
  const timer = setTimeout(() => linked.abort(new DOMException('The challenge request timed out.', 'TimeoutError')), options.timeoutMs ?? 20_000)
  const stop = () => linked.abort(options.signal?.reason)
  if (options.signal?.aborted) stop()
  else options.signal?.addEventListener('abort', stop, { once: true })
  const signal = linked.signal
  let response: Response
  try {
    response = await (options.fetch ?? globalThis.fetch)(`${options.baseUrl ?? ''}/api/v1/challenges`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      // Exactly the contract's fields, whatever else the caller's object carries (a demand has `difficulty`).
      body: JSON.stringify({ purpose: body.purpose, ...(body.activityId !== undefined ? { activityId: body.activityId } : {}) }),
      credentials: 'same-origin',
      signal,
    })
  } catch (error) {
    if (options.signal?.aborted) throw error
    throw new ApiError(undefined, null, error instanceof Error ? error.message : String(error))
  } finally {
    clearTimeout(timer)
    options.signal?.removeEventListener('abort', stop)
  }
  if (!response.ok) throw new ApiError(response.status, await problemIn(response))
  const issued = (await response.json()) as Partial<IssuedChallenge>
  if (typeof issued.challengeId !== 'string' || typeof issued.difficulty !== 'number')
    throw new ApiError(response.status, null, 'The challenge answer is malformed.')
  return { challengeId: issued.challengeId, difficulty: issued.difficulty, expiresAt: issued.expiresAt ?? '' }
}
