import { describe, expect, it, vi } from 'vitest'
import { createHttp } from '@/api/http'
import { ApiError } from '@/api/problem'

const json = (status: number, body: unknown, type = 'application/json') =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': type } })

/** A fake API: accepts only the current token, answers 401 otherwise; a product answers with the id from its path. */
function fakeServer() {
  const server = { valid: 'fresh', seen: [] as (string | null)[] }
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init)
    const auth = request.headers.get('Authorization')
    server.seen.push(auth)
    await new Promise((r) => setTimeout(r, 5))
    const path = new URL(request.url).pathname
    if (path === '/api/v1/auth/login') return json(401, { title: 'Unauthorized', status: 401, detail: 'wrong' }, 'application/problem+json')
    if (auth !== `Bearer ${server.valid}`) return json(401, { title: 'Unauthorized', status: 401 }, 'application/problem+json')
    return json(200, { id: Number(path.split('/').pop()) })
  })
  return { server, fetch }
}

function setup(refreshResult: string | null) {
  const { server, fetch } = fakeServer()
  let token: string | null = 'expired'
  const refresh = vi.fn(async () => {
    await new Promise((r) => setTimeout(r, 30))
    token = refreshResult
    return refreshResult
  })
  const lost = vi.fn()
  const http = createHttp({ getAccessToken: () => token, refreshAccessToken: refresh, onSessionLost: lost }, { baseUrl: 'http://mall.test', fetch })
  const product = (id: number) => http.GET('/api/v1/products/{id}', { params: { path: { id: String(id) } } })
  return { http, product, refresh, lost, server, getToken: () => token }
}

describe('the session middleware', () => {
  it('refreshes once for ten parallel 401s and replays every request', async () => {
    const { product, refresh } = setup('fresh')
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => product(i)))
    expect(refresh).toHaveBeenCalledTimes(1)
    expect(results.map((r) => r.data?.id)).toEqual(Array.from({ length: 10 }, (_, i) => i))
  })

  it('queues a request that starts while a refresh is running and sends it with the new token', async () => {
    const { product, refresh, server } = setup('fresh')
    const first = product(1)
    await new Promise((r) => setTimeout(r, 10)) // the 401 is back, the refresh is running
    const second = product(2)
    await Promise.all([first, second])
    expect(refresh).toHaveBeenCalledTimes(1)
    expect(server.seen.filter((h) => h === 'Bearer expired')).toHaveLength(1)
  })

  it('gives up after a failed refresh: every caller sees the 401 and the session is dropped once', async () => {
    const { product, refresh, lost } = setup(null)
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => product(i)))
    expect(outcomes.every((o) => o.status === 'rejected' && (o.reason as ApiError).status === 401)).toBe(true)
    expect(refresh).toHaveBeenCalledTimes(1)
    expect(lost).toHaveBeenCalledTimes(1)
  })

  it('never refreshes for a failed login', async () => {
    const { http, refresh } = setup('fresh')
    await expect(http.POST('/api/v1/auth/login', { body: { account: 'a', password: 'b' } })).rejects.toMatchObject({ status: 401 })
    expect(refresh).not.toHaveBeenCalled()
  })

  it('replays a request at most once', async () => {
    const { server, fetch } = fakeServer()
    server.valid = 'never-issued'
    const refresh = vi.fn(async () => 'still-wrong')
    const http = createHttp({ getAccessToken: () => 'old', refreshAccessToken: refresh }, { baseUrl: 'http://mall.test', fetch })
    await expect(http.GET('/api/v1/products/{id}', { params: { path: { id: '1' } } })).rejects.toMatchObject({ status: 401 })
    expect(server.seen).toHaveLength(2)
  })

  it('replays a request with its body', async () => {
    const { fetch } = fakeServer()
    const bodies: string[] = []
    fetch.mockImplementation(async (input, init) => {
      const request = new Request(input, init)
      bodies.push(await request.text())
      return request.headers.get('Authorization') === 'Bearer fresh' ? json(200, { lines: [], totalQuantity: 0, totalCents: 0, purchasable: false }) : json(401, {})
    })
    let token = 'expired'
    const http = createHttp({ getAccessToken: () => token, refreshAccessToken: async () => (token = 'fresh') }, { baseUrl: 'http://mall.test', fetch })
    const { data } = await http.PUT('/api/v1/cart/items/{skuId}', { params: { path: { skuId: 7 } }, body: { quantity: 3 } })
    expect(data?.lines).toEqual([])
    expect(bodies).toEqual(['{"quantity":3}', '{"quantity":3}'])
  })
})

describe('errors', () => {
  it('throws a problem+json answer as an ApiError with its body', async () => {
    const fetch = vi.fn(async () => json(409, { title: 'Conflict', status: 409, detail: 'Only 2 left in stock.' }, 'application/problem+json'))
    const http = createHttp(null, { baseUrl: 'http://mall.test', fetch })
    const error = await http.PUT('/api/v1/cart/items/{skuId}', { params: { path: { skuId: 1 } }, body: { quantity: 5 } }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ status: 409, problem: { detail: 'Only 2 left in stock.' }, message: 'Only 2 left in stock.' })
  })

  it('throws a request that got no answer as an ApiError without a status', async () => {
    const fetch = vi.fn(async () => {
      throw new TypeError('Failed to fetch')
    })
    const http = createHttp(null, { baseUrl: 'http://mall.test', fetch })
    const error = await http.GET('/api/v1/time').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect((error as ApiError).status).toBeUndefined()
  })

  it('sends no token without session hooks (the refresh call)', async () => {
    const { server, fetch } = fakeServer()
    const http = createHttp(null, { baseUrl: 'http://mall.test', fetch })
    await expect(http.POST('/api/v1/auth/refresh')).rejects.toMatchObject({ status: 401 })
    expect(server.seen).toEqual([null])
  })
})

describe('the language of answers', () => {
  it('asks for the app language on every request, replays included, and follows a switch', async () => {
    const languages: (string | null)[] = []
    let token = 'expired'
    const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init)
      languages.push(request.headers.get('Accept-Language'))
      return request.headers.get('Authorization') === 'Bearer fresh' ? json(200, { serverTimeMs: 1 }) : json(401, {})
    })
    let language = 'zh-CN'
    const http = createHttp({ getAccessToken: () => token, refreshAccessToken: async () => (token = 'fresh') }, { baseUrl: 'http://mall.test', fetch, language: () => language })
    await http.GET('/api/v1/time')
    language = 'en'
    await http.GET('/api/v1/time')
    expect(languages).toEqual(['zh-CN', 'zh-CN', 'en'])
  })
})
