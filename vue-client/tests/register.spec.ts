import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import Vant from 'vant'

vi.mock('@/api/client', () => ({
  bare: { POST: vi.fn() },
  http: {},
  api: { auth: { login: vi.fn(), logout: vi.fn(), me: vi.fn(), register: vi.fn() } },
}))
import { api } from '@/api/client'
import { ApiError } from '@/api/problem'
import { SignInAfterRegistrationFailed, useAuthStore } from '@/stores/auth'
import { i18n } from '@/i18n'
import RegisterView from '@/views/RegisterView.vue'
import LoginView from '@/views/LoginView.vue'

const registered = { userId: 9 }
const challengeRequired = () => new ApiError(428, { status: 428, code: 'challenge_required', challenge: { purpose: 'login', difficulty: 4 } } as never)

beforeEach(() => {
  setActivePinia(createPinia())
  vi.resetAllMocks()
  i18n.global.locale.value = 'zh-CN'
})

describe('registration and its automatic sign-in', () => {
  it('solves a challenge the login asks for and retries it once', async () => {
    vi.mocked(api.auth.register).mockResolvedValue(registered)
    vi.mocked(api.auth.login).mockRejectedValueOnce(challengeRequired()).mockResolvedValueOnce({ accessToken: 'jwt', tokenType: 'Bearer', expiresIn: 900 })
    vi.mocked(api.auth.me).mockResolvedValue({ id: 9, account: 'new@example.com', nickname: '小明', roles: ['shopper'], points: 0 })
    const prove = vi.fn(async () => 'c:1')
    const auth = useAuthStore()
    await auth.register('new@example.com', 'secret-123', '小明', prove)
    expect(auth.isSignedIn).toBe(true)
    expect(prove).toHaveBeenCalledWith({ purpose: 'login', difficulty: 4, activityId: undefined })
    expect(vi.mocked(api.auth.login).mock.calls.map((c) => c[1])).toEqual([null, 'c:1'])
  })

  it('says the account exists when the sign-in after it fails, and is not half signed in', async () => {
    vi.mocked(api.auth.register).mockResolvedValue(registered)
    vi.mocked(api.auth.login).mockRejectedValue(new ApiError(429, { status: 429 }))
    const auth = useAuthStore()
    const failure = auth.register('new@example.com', 'secret-123', undefined, async () => null)
    await expect(failure).rejects.toBeInstanceOf(SignInAfterRegistrationFailed)
    await expect(failure).rejects.toMatchObject({ account: 'new@example.com' })
    expect(auth.isSignedIn).toBe(false)
  })

  it('a failed registration is not reported as a created account', async () => {
    vi.mocked(api.auth.register).mockRejectedValue(new ApiError(409, { status: 409, detail: 'taken' }))
    await expect(useAuthStore().register('a@example.com', 'secret-123')).rejects.toMatchObject({ status: 409 })
    expect(api.auth.login).not.toHaveBeenCalled()
  })

  it('the register page sends the shopper to sign in, account filled in, with a notice in their language', async () => {
    vi.mocked(api.auth.register).mockResolvedValue(registered)
    vi.mocked(api.auth.login).mockRejectedValue(new ApiError(undefined, null))
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [
        { path: '/', component: { template: '<div/>' } },
        { path: '/login', name: 'login', component: LoginView },
        { path: '/register', name: 'register', component: RegisterView },
      ],
    })
    await router.push('/register?redirect=/orders')
    const app = mount({ template: '<RouterView />' }, { global: { plugins: [router, i18n, Vant] }, attachTo: document.body })
    await flushPromises()
    await app.find('input[name=account]').setValue(' new@example.com ')
    await app.find('input[name=password]').setValue('secret-123')
    await app.find('form').trigger('submit')
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('login'))
    await flushPromises()
    expect(router.currentRoute.value.query).toMatchObject({ account: 'new@example.com', registered: '1', redirect: '/orders' })
    expect((app.find('input[name=account]').element as HTMLInputElement).value).toBe('new@example.com')
    expect(app.find('[data-test=account-created]').text()).toBe('账号已创建，但自动登录没有成功，请在这里登录。')
    app.unmount()
  })
})
