import { afterEach, describe, expect, it } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { nextTick } from 'vue'
import { i18n } from '@/i18n'
import { installPageTitles, pageTitle } from '@/lib/pageTitle'

const page = { template: '<div />' }

describe('page titles', () => {
  afterEach(() => { i18n.global.locale.value = 'zh-CN' })

  it('names each shopper page in the current language, and the console as a whole', () => {
    expect(pageTitle({ name: 'cart' })).toBe('购物车 - Mall 商城')
    expect(pageTitle({ name: 'console-orders' })).toBe('管理 - Mall 商城')
    expect(pageTitle({ name: 'no-such-route' })).toBe('Mall 商城')
    i18n.global.locale.value = 'en'
    expect(pageTitle({ name: 'checkout' })).toMatch(/^Checkout - /)
  })

  it('follows navigation and a language switch', async () => {
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/', name: 'home', component: page }, { path: '/cart', name: 'cart', component: page }] })
    installPageTitles(router)
    await router.push('/cart')
    expect(document.title).toBe('购物车 - Mall 商城')
    i18n.global.locale.value = 'en'
    await nextTick()
    expect(document.title).toMatch(/^Cart - /)
    await router.push('/')
    expect(document.title).toMatch(/^Home - /)
  })
})
