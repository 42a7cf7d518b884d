// The proof-of-work challenge (POST /api/v1/challenges) as the app uses it: the request and answer types come from
// the generated schema; a 428 problem's `challenge` extension is not part of the schema (problem extensions are
// open), so its shape is written here.
import type { components } from './schema'
import { createHttp, type HttpOptions } from './http'
import { ApiError } from './problem'

type S = components['schemas']

export type ChallengePurpose = NonNullable<S['IssueChallengeRequest']['purpose']>

/** POST /api/v1/challenges (anonymous). */
export interface ChallengeRequest {
  purpose: ChallengePurpose
  activityId?: number | null
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

/** The activity's proof-of-work difficulty (`challengeBits`, 0 = off). */
export function challengeBitsOf(activity: { challengeBits?: number | null } | null | undefined): number {
  const bits = activity?.challengeBits
  return typeof bits === 'number' && Number.isFinite(bits) && bits > 0 ? bits : 0
}

/** Asks the API for a challenge, through the typed client (anonymous: no session). Throws ApiError like every call. */
export async function requestChallenge(body: ChallengeRequest, options: HttpOptions & { signal?: AbortSignal } = {}): Promise<IssuedChallenge> {
  options.signal?.throwIfAborted()
  const { data } = await createHttp(null, options).POST('/api/v1/challenges', {
    // Exactly the contract's fields, whatever else the caller's object carries (a demand has `difficulty`).
    body: { purpose: body.purpose, ...(body.activityId != null ? { activityId: body.activityId } : {}) },
  })
  options.signal?.throwIfAborted()
  if (typeof data?.difficulty !== 'number') throw new ApiError(200, null, 'The challenge answer is malformed.')
  // Difficulty 0: nothing to solve, and the server sends no id.
  if (data.difficulty === 0) return { challengeId: '', difficulty: 0, expiresAt: '' }
  if (typeof data.challengeId !== 'string') throw new ApiError(200, null, 'The challenge answer is malformed.')
  return { challengeId: data.challengeId, difficulty: data.difficulty, expiresAt: data.expiresAt ?? '' }
}
