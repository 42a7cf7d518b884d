import { describe, expect, it, vi } from 'vitest'
import { AxiosError, type AxiosAdapter, type InternalAxiosRequestConfig } from 'axios'
import { createHttp } from '@/api/http'

/** A fake API: accepts only the current token, answers 401 otherwise. */
function fakeServer() {
  const server = { valid: 'fresh', seen: [] as (string | undefined)[] }
  const adapter: AxiosAdapter = async (config: InternalAxiosRequestConfig) => {
    const auth = config.headers.get('Authorization') as string | undefined
    server.seen.push(auth)
    await new Promise((r) => setTimeout(r, 5))
    if (config.url?.startsWith('/auth/login')) {
      throw new AxiosError('bad credentials', 'ERR_BAD_REQUEST', config, null, { status: 401, statusText: '', headers: {}, config, data: { detail: 'wrong' } })
    }
    if (auth !== `Bearer ${server.valid}`) {
      throw new AxiosError('unauthorized', 'ERR_BAD_REQUEST', config, null, { status: 401, statusText: '', headers: {}, config, data: {} })
    }
    return { status: 200, statusText: 'OK', headers: {}, config, data: { url: config.url } }
  }
  return { server, adapter }
}

function setup(refreshResult: string | null) {
  const { server, adapter } = fakeServer()
  let token: string | null = 'expired'
  const refresh = vi.fn(async () => {
    await new Promise((r) => setTimeout(r, 30))
    token = refreshResult
    return refreshResult
  })
  const lost = vi.fn()
  const http = createHttp({ getAccessToken: () => token, refreshAccessToken: refresh, onSessionLost: lost })
  http.defaults.adapter = adapter
  return { http, refresh, lost, server, getToken: () => token }
}

describe('the Axios session interceptor', () => {
  it('refreshes once for ten parallel 401s and replays every request', async () => {
    const { http, refresh } = setup('fresh')
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => http.get(`/things/${i}`)))
    expect(refresh).toHaveBeenCalledTimes(1)
    expect(results.map((r) => r.data.url)).toEqual(Array.from({ length: 10 }, (_, i) => `/things/${i}`))
  })

  it('queues a request that starts while a refresh is running and sends it with the new token', async () => {
    const { http, refresh, server } = setup('fresh')
    const first = http.get('/a')
    await new Promise((r) => setTimeout(r, 10)) // the 401 is back, the refresh is running
    const second = http.get('/b')
    await Promise.all([first, second])
    expect(refresh).toHaveBeenCalledTimes(1)
    expect(server.seen.filter((h) => h === 'Bearer expired')).toHaveLength(1)
  })

  it('gives up after a failed refresh: every caller sees the 401 and the session is dropped once', async () => {
    const { http, refresh, lost } = setup(null)
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => http.get('/private')))
    expect(outcomes.every((o) => o.status === 'rejected' && (o.reason as AxiosError).response?.status === 401)).toBe(true)
    expect(refresh).toHaveBeenCalledTimes(1)
    expect(lost).toHaveBeenCalledTimes(1)
  })

  it('never refreshes for a failed login', async () => {
    const { http, refresh } = setup('fresh')
    await expect(http.post('/auth/login', {})).rejects.toMatchObject({ response: { status: 401 } })
    expect(refresh).not.toHaveBeenCalled()
  })

  it('replays a request at most once', async () => {
    const { server, adapter } = fakeServer()
    server.valid = 'never-issued'
    const refresh = vi.fn(async () => 'still-wrong')
    const http = createHttp({ getAccessToken: () => 'old', refreshAccessToken: refresh })
    http.defaults.adapter = adapter
    await expect(http.get('/x')).rejects.toMatchObject({ response: { status: 401 } })
    expect(server.seen).toHaveLength(2)
  })
})
