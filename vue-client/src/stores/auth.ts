import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { api, bare } from '@/api/client'
import { read } from '@/api'
import type { Me, TokenResponse } from '@/api/types'
import { withChallenge, type Prover } from '@/api/withChallenge'
import { proveQuietly } from '@/composables/useChallenge'
import { hasSessionHint, openSessionChannel, setSessionHint } from '@/lib/session'

/**
 * Registration worked but the automatic sign-in after it did not (a challenge, a rate limit, the network): the
 * account exists, so the page must say so and send the shopper to sign in, never leave them guessing.
 */
export class SignInAfterRegistrationFailed extends Error {
  constructor(
    readonly account: string,
    readonly cause: unknown,
  ) {
    super('The account was created, but signing in automatically failed.')
    this.name = 'SignInAfterRegistrationFailed'
  }
}

/**
 * The session. The access token lives only here, in memory; the refresh token only in the HttpOnly cookie the
 * API sets on /api/v1/auth, so script on the page can never read it. A reload restores the session by refreshing.
 */
export const useAuthStore = defineStore('auth', () => {
  const accessToken = ref<string | null>(null)
  const user = ref<Me | null>(null)
  const restored = ref(false)
  let refreshing: Promise<string | null> | null = null
  let restoring: Promise<void> | null = null

  const isSignedIn = computed(() => accessToken.value !== null)
  const isAdmin = computed(() => user.value?.roles.includes('admin') ?? false)

  function accept(tokens: TokenResponse) {
    accessToken.value = tokens.accessToken
    setSessionHint(true)
  }

  // Another tab signed out: this one forgets too (the refresh cookie is gone for every tab). Another tab signed in:
  // this one restores the session from the cookie they share.
  const channel = openSessionChannel((m) => {
    if (m.type === 'signed-out') forget()
    else if (!accessToken.value) void refresh().then((token) => (token ? loadMe() : undefined)).catch(() => undefined)
  })

  /** Both are guarded by the proof-of-work challenge: `prove` solves one on a 428 (a page passes its own, with progress). */
  async function login(account: string, password: string, prove: Prover = proveQuietly) {
    accept(await withChallenge({ purpose: 'login' }, (proof) => api.auth.login({ account, password }, proof), prove))
    await loadMe()
    channel.post({ type: 'signed-in' })
  }

  /** Throws SignInAfterRegistrationFailed when the account was created but the sign-in after it failed. */
  async function register(account: string, password: string, nickname?: string, prove: Prover = proveQuietly) {
    await withChallenge({ purpose: 'register' }, (proof) => api.auth.register({ account, password, nickname: nickname || undefined }, proof), prove)
    try {
      await login(account, password, prove)
    } catch (e) {
      forget() // a token without a profile (loadMe failed) is not a sign-in either
      throw new SignInAfterRegistrationFailed(account, e)
    }
  }

  /**
   * One refresh at a time, whoever asks (the client's session middleware, the session restore, the hub). Without the
   * session hint there is no refresh cookie to use: a guest asks nothing (no failing POST /auth/refresh).
   */
  function refresh(): Promise<string | null> {
    if (!refreshing && !hasSessionHint()) {
      forget()
      return Promise.resolve(null)
    }
    refreshing ??= read(bare.POST('/api/v1/auth/refresh'))
      .as<TokenResponse>()
      .then((tokens) => {
        accept(tokens)
        return accessToken.value
      })
      .catch(() => {
        forget()
        return null
      })
      .finally(() => {
        refreshing = null
      })
    return refreshing
  }

  async function loadMe() {
    user.value = await api.auth.me()
  }

  /** Called once at start-up (the router waits for it): a valid refresh cookie signs the user back in. */
  function restore(): Promise<void> {
    restoring ??= (async () => {
      try {
        if (await refresh()) await loadMe()
      } catch {
        forget()
      } finally {
        restored.value = true
      }
    })()
    return restoring
  }

  async function logout() {
    try {
      if (accessToken.value) await api.auth.logout()
    } finally {
      forget()
      channel.post({ type: 'signed-out' })
    }
  }

  function forget() {
    accessToken.value = null
    user.value = null
    setSessionHint(false)
  }

  return { accessToken, user, restored, isSignedIn, isAdmin, login, register, refresh, restore, loadMe, logout, forget }
})
