import createClient, { type Client, type Middleware } from 'openapi-fetch'
import type { paths } from './schema'
import { ApiError, type Problem } from './problem'

export type Http = Client<paths>

export interface SessionHooks {
  /** The access token to send now (memory only). */
  getAccessToken(): string | null
  /** Obtains a new access token from the refresh cookie; null when the session is gone. */
  refreshAccessToken(): Promise<string | null>
  /** Called once when a refresh fails: the user has to sign in again. */
  onSessionLost?(): void
}

export interface HttpOptions {
  /** Prepended to the schema's paths (which already start with /api/v1); empty means this origin. */
  baseUrl?: string
  /** The fetch to use; the global one when left out (read at call time, so tests can replace it). */
  fetch?: typeof globalThis.fetch
  timeoutMs?: number
  /** The language every request asks the API to answer in (Accept-Language): problems come back worded in it. */
  language?: () => string | null | undefined
}

// These answer 401 for reasons a refresh cannot fix (bad password, dead refresh token).
const noRefreshPaths: readonly (keyof paths)[] = ['/api/v1/auth/login', '/api/v1/auth/register', '/api/v1/auth/refresh', '/api/v1/auth/logout']

/**
 * A client typed by the OpenAPI schema: path, method, parameters, body and answer are all checked against
 * schema.d.ts. Every answer that is not 2xx is thrown as an ApiError (problem+json body attached), and a request
 * that gets no answer (network down, timeout) as an ApiError without a status.
 *
 * With session hooks, the bearer token is attached and a 401 triggers at most one refresh at a time (single
 * flight): every request that fails or starts while it runs waits for the same promise, then is replayed once with
 * the new token. Without them (the refresh call itself), requests go out as they are.
 */
export function createHttp(hooks: SessionHooks | null, options: HttpOptions = {}): Http {
  const timeoutMs = options.timeoutMs ?? 20_000
  const timedFetch: typeof globalThis.fetch = (input, init) =>
    (options.fetch ?? globalThis.fetch)(input, { ...init, signal: AbortSignal.timeout(timeoutMs) })
  // The refresh cookie is HttpOnly and scoped to /api/v1/auth on this origin: same-origin credentials carry it.
  const http = createClient<paths>({ baseUrl: options.baseUrl ?? '', fetch: timedFetch, credentials: 'same-origin' })
  // onResponse runs in reverse order of registration: the session replays a 401 before errors are thrown.
  http.use(problems)
  // Before the session middleware: the copy it keeps for a replay carries the header too.
  if (options.language) http.use(acceptLanguage(options.language))
  if (hooks) http.use(session(hooks))
  return http
}

const problems: Middleware = {
  async onResponse({ response }) {
    if (response.ok) return undefined
    throw new ApiError(response.status, await problemIn(response))
  },
  onError({ error }) {
    if (error instanceof ApiError) return error
    return new ApiError(undefined, null, error instanceof Error ? error.message : String(error))
  },
}

/** Asks for the app's current language on every request (the browser's own Accept-Language is its UI language). */
function acceptLanguage(language: () => string | null | undefined): Middleware {
  return {
    onRequest({ request }) {
      const value = language()
      if (value) request.headers.set('Accept-Language', value)
      return request
    },
  }
}

/** The problem+json body of a failed answer, when it has one. */
export async function problemIn(response: Response): Promise<Problem | null> {
  const text = await response
    .clone()
    .text()
    .catch(() => '')
  try {
    const body: unknown = JSON.parse(text)
    return body && typeof body === 'object' ? (body as Problem) : null
  } catch {
    return null
  }
}

function session(hooks: SessionHooks): Middleware {
  let refreshing: Promise<string | null> | null = null
  // Per request: the token it went out with, and an untouched copy to replay.
  const sent = new Map<string, { token: string | null; copy: Request }>()

  const refreshOnce = () => {
    refreshing ??= hooks
      .refreshAccessToken()
      .catch(() => null)
      .then((token) => {
        if (!token) hooks.onSessionLost?.()
        return token
      })
      .finally(() => {
        refreshing = null
      })
    return refreshing
  }
  const refreshable = (schemaPath: string) => !(noRefreshPaths as readonly string[]).includes(schemaPath)

  return {
    async onRequest({ request, schemaPath, id }) {
      if (!refreshable(schemaPath)) return withToken(request, hooks.getAccessToken())
      if (refreshing) await refreshing
      const token = hooks.getAccessToken()
      sent.set(id, { token, copy: request.clone() })
      return withToken(request, token)
    },
    async onResponse({ response, schemaPath, id, options }) {
      const mine = sent.get(id)
      sent.delete(id)
      if (response.status !== 401 || !mine || !refreshable(schemaPath)) return undefined
      // Another request may already have refreshed while this one was in flight: just replay with the new token.
      const current = hooks.getAccessToken()
      const token = current && current !== mine.token ? current : await refreshOnce()
      if (!token) return undefined
      // The 401 is answered for good: release its body, or the browser keeps the request open (and a page that waits
      // for the network to be idle never gets there).
      await response.body?.cancel().catch(() => undefined)
      // The replay goes straight to fetch, past this middleware: a request is replayed at most once.
      return options.fetch(withToken(mine.copy, token))
    },
    onError({ id }) {
      sent.delete(id)
    },
  }
}

function withToken(request: Request, token: string | null): Request {
  if (token) request.headers.set('Authorization', `Bearer ${token}`)
  return request
}
