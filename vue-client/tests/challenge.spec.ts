import { describe, expect, it, vi } from 'vitest'
import { sha256 } from '@noble/hashes/sha2.js'
import { utf8ToBytes } from '@noble/hashes/utils.js'
import { createHttp } from '@/api/http'
import { createApi } from '@/api'
import { ApiError } from '@/api/problem'
import { challengeBitsOf, requestChallenge, type ChallengeRequest } from '@/api/challenge'
import { challengeDemanded, withChallenge, type Prover } from '@/api/withChallenge'
import { useChallenge } from '@/composables/useChallenge'
import { leadingZeroBits } from '@/lib/pow'

const base = 'http://mall.test'
const json = (status: number, body: unknown, type = 'application/json') =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': type } })
const challengeRequired = (challenge: Record<string, unknown>) =>
  json(428, { type: 'about:blank', title: 'Precondition Required', status: 428, code: 'challenge_required', challenge }, 'application/problem+json')

/**
 * A fake API that guards login and the seckill token with a challenge of `bits` bits. It checks a proof as the
 * server does (known challenge, not used before, enough zero bits) and records every guarded request's header.
 */
function fakeServer(options: { bits?: number; alwaysDemand?: boolean; issueBits?: number } = {}) {
  const bits = options.bits ?? 8
  const issued = new Set<string>()
  const used = new Set<string>()
  const seen = { guarded: [] as (string | null)[], challengeBodies: [] as ChallengeRequest[] }
  let next = 0
  const valid = (header: string | null) => {
    if (!header) return false
    const at = header.lastIndexOf(':')
    const [id, solution] = [header.slice(0, at), header.slice(at + 1)]
    if (!issued.has(id) || used.has(id)) return false
    used.add(id)
    return leadingZeroBits(sha256(utf8ToBytes(`${id}:${solution}`))) >= bits
  }
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init)
    const path = new URL(request.url).pathname
    if (path === '/api/v1/challenges') {
      seen.challengeBodies.push((await request.json()) as ChallengeRequest)
      const challengeId = `ch-${++next}`
      issued.add(challengeId)
      return json(200, { challengeId, difficulty: options.issueBits ?? bits, expiresAt: new Date(Date.now() + 120_000).toISOString() })
    }
    if (path === '/api/v1/auth/login' || path.endsWith('/token')) {
      const header = request.headers.get('Mall-Challenge')
      seen.guarded.push(header)
      const activityId = path.endsWith('/token') ? Number(path.split('/')[5]) : undefined
      if (options.alwaysDemand || !valid(header))
        return challengeRequired({ purpose: activityId ? 'seckill' : 'login', difficulty: bits, ...(activityId ? { activityId } : {}) })
      return activityId ? json(200, { token: 'tok', expiresInSeconds: 10 }) : json(200, { accessToken: 'jwt', tokenType: 'Bearer', expiresIn: 900 })
    }
    return json(404, { status: 404 }, 'application/problem+json')
  })
  const api = createApi(createHttp(null, { baseUrl: base, fetch }))
  const challenge = useChallenge({ request: (d, signal) => requestChallenge(d, { baseUrl: base, fetch, signal }) })
  return { fetch, api, challenge, seen, issued }
}

describe('withChallenge (428 → solve → retry)', () => {
  it('solves the challenge the 428 asks for and retries exactly once with the Mall-Challenge header', async () => {
    const { api, challenge, seen } = fakeServer({ bits: 8 })
    const tokens = await withChallenge({ purpose: 'login' }, (proof) => api.auth.login({ account: 'a', password: 'b' }, proof), challenge.prove)
    expect(tokens.accessToken).toBe('jwt')
    expect(seen.guarded).toHaveLength(2)
    expect(seen.guarded[0]).toBeNull()
    const [id, solution] = seen.guarded[1]!.split(':')
    expect(id).toBe('ch-1')
    expect(solution).toMatch(/^\d+$/)
    expect(leadingZeroBits(sha256(utf8ToBytes(`${id}:${solution}`)))).toBeGreaterThanOrEqual(8)
    expect(seen.challengeBodies).toEqual([{ purpose: 'login' }])
    expect(challenge.state.value).toBe('solved')
    expect(challenge.progress.value).toBe(1)
  })

  it('gives up after a second 428: the caller gets it, nothing is sent a third time', async () => {
    const { api, challenge, seen, fetch } = fakeServer({ alwaysDemand: true })
    const login = withChallenge({ purpose: 'login' }, (proof) => api.auth.login({ account: 'a', password: 'b' }, proof), challenge.prove)
    await expect(login).rejects.toMatchObject({ status: 428 })
    expect(seen.guarded).toHaveLength(2)
    expect(seen.guarded[1]).toMatch(/^ch-1:\d+$/)
    expect(seen.challengeBodies).toHaveLength(1)
    expect(fetch).toHaveBeenCalledTimes(3)
  })

  it('asks for a seckill challenge for the activity and uses a proof solved in advance first', async () => {
    const { api, challenge, seen } = fakeServer({ bits: 6 })
    await challenge.prepare({ purpose: 'seckill', activityId: 42 })
    const first = await challenge.take()
    expect(first).toMatch(/^ch-1:\d+$/)
    expect(await challenge.take()).toBeNull() // handed out once
    const prove = vi.fn(challenge.prove)
    const { token } = await withChallenge({ purpose: 'seckill', activityId: 42 }, (proof) => api.seckill.token(42, proof), prove, first)
    expect(token).toBe('tok')
    expect(seen.guarded).toEqual([first])
    expect(prove).not.toHaveBeenCalled()
    expect(seen.challengeBodies).toEqual([{ purpose: 'seckill', activityId: 42 }])
  })

  it('solves again when the proof solved in advance was already used', async () => {
    const { api, challenge, seen } = fakeServer({ bits: 6 })
    await challenge.prepare({ purpose: 'seckill', activityId: 7 })
    const first = await challenge.take()
    await api.seckill.token(7, first) // spent elsewhere
    const { token } = await withChallenge({ purpose: 'seckill', activityId: 7 }, (proof) => api.seckill.token(7, proof), challenge.prove, first)
    expect(token).toBe('tok')
    expect(seen.guarded).toHaveLength(3)
    expect(seen.guarded[2]).toMatch(/^ch-2:\d+$/)
    expect(seen.challengeBodies[1]).toEqual({ purpose: 'seckill', activityId: 7 })
  })

  it('retries without a header when the challenge endpoint says difficulty 0', async () => {
    const prove = vi.fn<Prover>(async () => null)
    let calls = 0
    const send = vi.fn(async (proof: string | null) => {
      if (calls++ === 0) throw new ApiError(428, { status: 428, code: 'challenge_required' } as never)
      return proof
    })
    expect(await withChallenge({ purpose: 'register' }, send, prove)).toBeNull()
    expect(prove).toHaveBeenCalledWith({ purpose: 'register', difficulty: undefined, activityId: undefined })
    expect(send).toHaveBeenCalledTimes(2)
  })

  it('does not solve anything for other errors', async () => {
    const prove = vi.fn<Prover>()
    for (const error of [new ApiError(401, { status: 401 }), new ApiError(429, { status: 429 }), new ApiError(428, { status: 428, code: 'other' } as never), new ApiError(undefined, null)]) {
      const send = vi.fn(async () => Promise.reject(error))
      await expect(withChallenge({ purpose: 'login' }, send, prove)).rejects.toBe(error)
      expect(send).toHaveBeenCalledTimes(1)
    }
    expect(prove).not.toHaveBeenCalled()
  })

  it('reads the demand from the problem, completing it from the call', () => {
    const problem = (p: Record<string, unknown>) => new ApiError(428, { status: 428, ...p } as never)
    expect(challengeDemanded(problem({ code: 'challenge_required', challenge: { purpose: 'seckill', difficulty: 18, activityId: 3 } }), { purpose: 'login' }))
      .toEqual({ purpose: 'seckill', difficulty: 18, activityId: 3 })
    expect(challengeDemanded(problem({ code: 'challenge_required', challenge: { purpose: 'nonsense' } }), { purpose: 'seckill', activityId: 9 }))
      .toEqual({ purpose: 'seckill', difficulty: undefined, activityId: 9 })
    expect(challengeDemanded(new ApiError(400, { status: 400 }), { purpose: 'login' })).toBeNull()
  })
})

describe('the challenge endpoint and useChallenge', () => {
  it('posts the purpose and throws an ApiError with the problem on failure', async () => {
    const fetch = vi.fn(async () => json(429, { status: 429, title: 'Too Many Requests' }, 'application/problem+json'))
    const failure = requestChallenge({ purpose: 'register' }, { baseUrl: base, fetch })
    await expect(failure).rejects.toBeInstanceOf(ApiError)
    await expect(failure).rejects.toMatchObject({ status: 429, problem: { title: 'Too Many Requests' } })
    // The typed client hands fetch a Request.
    const [input, init] = fetch.mock.calls[0] as unknown as [RequestInfo, RequestInit | undefined]
    const request = input instanceof Request ? input : new Request(input, init)
    expect(request.url).toBe(`${base}/api/v1/challenges`)
    expect(request.method).toBe('POST')
    expect(await request.json()).toEqual({ purpose: 'register' })
  })

  it('reports a network failure as an ApiError without a status', async () => {
    const fetch = vi.fn(async () => Promise.reject(new TypeError('Failed to fetch')))
    await expect(requestChallenge({ purpose: 'login' }, { baseUrl: base, fetch })).rejects.toMatchObject({ status: undefined })
  })

  it('reports progress while solving and sends nothing when no challenge is needed', async () => {
    const run = vi.fn(async (_id: string, _d: number, onProgress: (p: { tried: number; expected: number }) => void) => {
      onProgress({ tried: 2 ** 10, expected: 2 ** 10 })
      expect(challenge.state.value).toBe('solving')
      expect(challenge.progress.value).toBeCloseTo(1 - Math.exp(-1))
      return { solution: '5', tried: 2000 }
    })
    const challenge = useChallenge({ request: async () => ({ challengeId: 'x', difficulty: 10, expiresAt: '' }), run })
    expect(await challenge.prove({ purpose: 'login' })).toBe('x:5')
    expect(challenge.progress.value).toBe(1)

    const none = useChallenge({ request: async () => ({ challengeId: 'y', difficulty: 0, expiresAt: '' }), run })
    expect(await none.prove({ purpose: 'login' })).toBeNull()
    expect(run).toHaveBeenCalledTimes(1)
    expect(none.state.value).toBe('idle')
  })

  it('does not hand out a prepared proof that has (nearly) expired', async () => {
    let now = 1_000_000
    const challenge = useChallenge({
      now: () => now,
      request: async () => ({ challengeId: 'z', difficulty: 1, expiresAt: new Date(now + 120_000).toISOString() }),
      run: async () => ({ solution: '0', tried: 1 }),
    })
    await challenge.prepare({ purpose: 'seckill', activityId: 1 })
    expect(challenge.holds()).toBe(true)
    now += 116_000 // inside the 5 s safety margin
    expect(challenge.holds()).toBe(false)
    expect(await challenge.take()).toBeNull()
  })

  it('waits for a preparation still running, and cancel stops it', async () => {
    let release!: () => void
    const challenge = useChallenge({
      request: async () => ({ challengeId: 'w', difficulty: 4, expiresAt: '' }),
      run: (_id, _d, _p, signal) =>
        new Promise((resolve, reject) => {
          release = () => resolve({ solution: '3', tried: 4 })
          signal.addEventListener('abort', () => reject(new DOMException('cancelled', 'AbortError')))
        }),
    })
    void challenge.prepare({ purpose: 'seckill' })
    const taken = challenge.take()
    await vi.waitFor(() => expect(challenge.state.value).toBe('solving'))
    release()
    expect(await taken).toBe('w:3')

    void challenge.prepare({ purpose: 'seckill' })
    await vi.waitFor(() => expect(challenge.busy.value).toBe(true))
    challenge.cancel()
    expect(challenge.busy.value).toBe(false)
    expect(await challenge.take()).toBeNull()
  })

  it('reads challengeBits from an activity, missing or nonsense meaning off', () => {
    expect(challengeBitsOf({ challengeBits: 18 })).toBe(18)
    expect(challengeBitsOf({})).toBe(0)
    expect(challengeBitsOf({ challengeBits: null })).toBe(0)
    expect(challengeBitsOf(null)).toBe(0)
  })
})
