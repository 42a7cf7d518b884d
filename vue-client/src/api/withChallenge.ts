import { statusOf, problemOf } from './problem'
import { CHALLENGE_HEADER, type ChallengeDemand, type ChallengePurpose } from './challenge'

/**
 * Fetches and solves a challenge for a demand; resolves with the `Mall-Challenge` header value, or null when the
 * API says none is needed (difficulty 0). `useChallenge().prove` is one, with progress for the page.
 */
export type Prover = (demand: ChallengeDemand) => Promise<string | null>

/** The header object for a proof (undefined without one), for openapi-fetch's `headers` option. */
export function proofHeaders(proof: string | null | undefined): Record<string, string> | undefined {
  return proof ? { [CHALLENGE_HEADER]: proof } : undefined
}

/**
 * What a 428 `challenge_required` asks for, or null for any other error. A missing or partial `challenge`
 * extension is completed from `fallback` (the purpose of the call that got it).
 */
export function challengeDemanded(error: unknown, fallback: ChallengeDemand): ChallengeDemand | null {
  if (statusOf(error) !== 428) return null
  const problem = problemOf(error) as (Record<string, unknown> & { code?: unknown; challenge?: unknown }) | null
  if (problem?.code !== undefined && problem.code !== 'challenge_required') return null
  const wanted = (problem?.challenge && typeof problem.challenge === 'object' ? problem.challenge : {}) as Partial<ChallengeDemand>
  const purposes: ChallengePurpose[] = ['login', 'register', 'seckill']
  return {
    purpose: purposes.includes(wanted.purpose as ChallengePurpose) ? wanted.purpose! : fallback.purpose,
    difficulty: typeof wanted.difficulty === 'number' ? wanted.difficulty : fallback.difficulty,
    activityId: typeof wanted.activityId === 'number' ? wanted.activityId : fallback.activityId,
  }
}

/**
 * Sends a guarded request (login, register, seckill token). `send` gets the proof to put in the `Mall-Challenge`
 * header (`firstProof` on the first try, e.g. one solved during the countdown). When the API answers 428
 * `challenge_required`, a challenge for what it asks is fetched and solved and the request is sent again, once:
 * a second 428 (or any other error) is thrown to the caller.
 */
export async function withChallenge<T>(
  purpose: ChallengeDemand,
  send: (proof: string | null) => Promise<T>,
  prove: Prover,
  firstProof: string | null = null,
): Promise<T> {
  try {
    return await send(firstProof)
  } catch (error) {
    const demand = challengeDemanded(error, purpose)
    if (!demand) throw error
    return send(await prove(demand))
  }
}
