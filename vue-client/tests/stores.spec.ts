import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'

vi.mock('@/api/client', () => ({
  bare: { POST: vi.fn() },
  http: {},
  api: {
    auth: { login: vi.fn(), logout: vi.fn(), me: vi.fn(), register: vi.fn() },
    cart: { get: vi.fn(), set: vi.fn(), remove: vi.fn() },
    catalog: { product: vi.fn() },
  },
}))
import { api, bare } from '@/api/client'
import { ApiError } from '@/api/problem'
import type { CartLine, TokenResponse } from '@/api/types'
import { useAuthStore } from '@/stores/auth'
import { useCartStore } from '@/stores/cart'
import { useLocaleStore } from '@/stores/locale'
import { i18n, storageKey } from '@/i18n'
import { installGuards } from '@/router'
import { SESSION_HINT_KEY } from '@/lib/session'

/** A cart line as the API sends it, with the fields a test cares about. */
const line = (l: { skuId: number; priceCents: number; quantity: number; lineTotalCents?: number }) => ({
  productId: 1, title: 'T', specs: {}, image: '', available: 99, onShelf: true, shortOfStock: false, lineTotalCents: l.priceCents * l.quantity, ...l,
})

/** A cart as the API sends it: the total leaves out lines that cannot be bought as they are. */
const cartOf = (lines: CartLine[]) => ({
  lines,
  totalQuantity: lines.reduce((n, l) => n + l.quantity, 0),
  totalCents: lines.filter((l) => l.onShelf && !l.shortOfStock).reduce((s, l) => s + l.lineTotalCents, 0),
  purchasable: lines.length > 0 && lines.every((l) => l.onShelf && !l.shortOfStock),
})

/** What the typed client resolves with for a 200 (the mock stands in for its overloaded POST). */
const answer = (data: TokenResponse) => ({ data, response: new Response() }) as never

const shopper = { id: 7, account: 'li@example.com', nickname: '李雷', roles: ['shopper'], points: 12 }
const admin = { ...shopper, id: 1, roles: ['admin'] }

beforeEach(() => {
  setActivePinia(createPinia())
  vi.resetAllMocks()
  localStorage.clear()
})

describe('auth store', () => {
  it('keeps the access token in memory only, never in storage', async () => {
    vi.mocked(api.auth.login).mockResolvedValue({ accessToken: 'jwt-1', tokenType: 'Bearer', expiresIn: 900, refreshToken: null })
    vi.mocked(api.auth.me).mockResolvedValue(shopper)
    const auth = useAuthStore()
    await auth.login('li@example.com', 'pw')
    expect(auth.accessToken).toBe('jwt-1')
    expect(auth.isSignedIn).toBe(true)
    expect(auth.isAdmin).toBe(false)
    expect(JSON.stringify({ ...localStorage })).not.toContain('jwt-1')
    expect(document.cookie).not.toContain('jwt-1')
  })

  it('restores the session on reload from the refresh cookie', async () => {
    localStorage.setItem(SESSION_HINT_KEY, '1')
    vi.mocked(bare.POST).mockResolvedValue(answer({ accessToken: 'jwt-2', tokenType: 'Bearer', expiresIn: 900 }))
    vi.mocked(api.auth.me).mockResolvedValue(admin)
    const auth = useAuthStore()
    await Promise.all([auth.restore(), auth.restore()])
    expect(bare.POST).toHaveBeenCalledTimes(1)
    expect(bare.POST).toHaveBeenCalledWith('/api/v1/auth/refresh')
    expect(auth.accessToken).toBe('jwt-2')
    expect(auth.isAdmin).toBe(true)
    expect(auth.restored).toBe(true)
  })

  it('stays signed out when there is no valid refresh cookie, and stops trying', async () => {
    localStorage.setItem(SESSION_HINT_KEY, '1')
    vi.mocked(bare.POST).mockRejectedValue(new ApiError(401, { status: 401 }))
    const auth = useAuthStore()
    await auth.restore()
    expect(auth.isSignedIn).toBe(false)
    expect(auth.restored).toBe(true)
    expect(api.auth.me).not.toHaveBeenCalled()
    expect(localStorage.getItem(SESSION_HINT_KEY)).toBeNull()
  })

  it('never asks to refresh for a guest (no session hint): no failing POST /auth/refresh', async () => {
    const auth = useAuthStore()
    await auth.restore()
    expect(await auth.refresh()).toBeNull()
    expect(bare.POST).not.toHaveBeenCalled()
    expect(auth.restored).toBe(true)
  })

  it('sets the session hint at sign-in and clears it at sign-out', async () => {
    vi.mocked(api.auth.login).mockResolvedValue({ accessToken: 'jwt-5', tokenType: 'Bearer', expiresIn: 900, refreshToken: null })
    vi.mocked(api.auth.me).mockResolvedValue(shopper)
    const auth = useAuthStore()
    await auth.login('a', 'b')
    expect(localStorage.getItem(SESSION_HINT_KEY)).toBe('1')
    await auth.logout()
    expect(localStorage.getItem(SESSION_HINT_KEY)).toBeNull()
  })

  it('signs out when another tab signs out (BroadcastChannel)', async () => {
    vi.mocked(api.auth.login).mockResolvedValue({ accessToken: 'jwt-6', tokenType: 'Bearer', expiresIn: 900, refreshToken: null })
    vi.mocked(api.auth.me).mockResolvedValue(shopper)
    const auth = useAuthStore()
    await auth.login('a', 'b')
    const otherTab = new BroadcastChannel('mall.session')
    otherTab.postMessage({ type: 'signed-out' })
    await vi.waitFor(() => expect(auth.isSignedIn).toBe(false))
    otherTab.close()
  })

  it('shares one refresh between concurrent callers', async () => {
    localStorage.setItem(SESSION_HINT_KEY, '1')
    vi.mocked(bare.POST).mockResolvedValue(answer({ accessToken: 'jwt-3', tokenType: 'Bearer', expiresIn: 900 }))
    const auth = useAuthStore()
    const tokens = await Promise.all([auth.refresh(), auth.refresh(), auth.refresh()])
    expect(tokens).toEqual(['jwt-3', 'jwt-3', 'jwt-3'])
    expect(bare.POST).toHaveBeenCalledTimes(1)
  })

  it('forgets the session on logout even when the API call fails', async () => {
    vi.mocked(api.auth.login).mockResolvedValue({ accessToken: 'jwt-4', tokenType: 'Bearer', expiresIn: 900, refreshToken: null })
    vi.mocked(api.auth.me).mockResolvedValue(shopper)
    vi.mocked(api.auth.logout).mockRejectedValue(new Error('offline'))
    const auth = useAuthStore()
    await auth.login('a', 'b')
    await expect(auth.logout()).rejects.toThrow('offline')
    expect(auth.accessToken).toBeNull()
    expect(auth.user).toBeNull()
  })
})

describe('route guards', () => {
  async function routerAs(user: typeof shopper | null) {
    if (user) {
      localStorage.setItem(SESSION_HINT_KEY, '1')
      vi.mocked(bare.POST).mockResolvedValue(answer({ accessToken: 'jwt', tokenType: 'Bearer', expiresIn: 900 }))
      vi.mocked(api.auth.me).mockResolvedValue(user)
    } else vi.mocked(bare.POST).mockRejectedValue(new ApiError(401, { status: 401 }))
    const page = { template: '<div/>' }
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [
        { path: '/', component: page },
        { path: '/login', name: 'login', component: page },
        { path: '/register', name: 'register', component: page },
        { path: '/account', name: 'account', component: page, meta: { auth: true } },
        { path: '/forbidden', name: 'forbidden', component: page },
        { path: '/admin', component: page, meta: { auth: true, admin: true } },
      ],
    })
    installGuards(router)
    return router
  }

  it('sends a guest to the login page and remembers where they were going', async () => {
    const router = await routerAs(null)
    await router.push('/account')
    expect(router.currentRoute.value.name).toBe('login')
    expect(router.currentRoute.value.query.redirect).toBe('/account')
  })

  it('keeps shoppers out of the admin area', async () => {
    const router = await routerAs(shopper)
    await router.push('/admin')
    expect(router.currentRoute.value.name).toBe('forbidden')
  })

  it('lets an admin in', async () => {
    const router = await routerAs(admin)
    await router.push('/admin')
    expect(router.currentRoute.value.path).toBe('/admin')
  })
})

describe('cart store', () => {
  beforeEach(() => {
    useAuthStore().accessToken = 'jwt'
  })

  it('counts units and totals lines', async () => {
    vi.mocked(api.cart.get).mockResolvedValue(cartOf([line({ skuId: 1, priceCents: 100, quantity: 2 }), line({ skuId: 2, priceCents: 250, quantity: 1, lineTotalCents: 250 })]))
    const cart = useCartStore()
    await cart.load()
    expect(cart.count).toBe(3)
    expect(cart.totalCents).toBe(450)
  })

  it('adds to an existing line instead of replacing it', async () => {
    vi.mocked(api.cart.get).mockResolvedValue(cartOf([line({ skuId: 1, priceCents: 100, quantity: 2 })]))
    vi.mocked(api.cart.set).mockResolvedValue(cartOf([line({ skuId: 1, priceCents: 100, quantity: 5 })]))
    const cart = useCartStore()
    await cart.load()
    await cart.add(1, 3)
    expect(api.cart.set).toHaveBeenCalledWith(1, 5)
    expect(cart.count).toBe(5)
  })

  it('removes a line when the quantity drops to zero', async () => {
    vi.mocked(api.cart.remove).mockResolvedValue(cartOf([]))
    const cart = useCartStore()
    await cart.setQuantity(9, 0)
    expect(api.cart.remove).toHaveBeenCalledWith(9)
    expect(cart.count).toBe(0)
  })
})

describe('locale store', () => {
  it('defaults to Simplified Chinese and persists the switch', () => {
    const locale = useLocaleStore()
    expect(locale.locale).toBe('zh-CN')
    locale.toggle()
    expect(i18n.global.locale.value).toBe('en')
    expect(localStorage.getItem(storageKey)).toBe('en')
    expect(document.documentElement.lang).toBe('en')
    locale.toggle()
    expect(i18n.global.t('nav.cart')).toBe('购物车')
  })
})
