import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import Vant from 'vant'
import { createMemoryHistory, createRouter } from 'vue-router'
import { i18n } from '@/i18n'
import AsyncState from '@/components/AsyncState.vue'

const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/', component: { template: '<div />' } }] })
const render = (props: Record<string, unknown>) => mount(AsyncState, { props, global: { plugins: [Vant, i18n, router] } })

describe('AsyncState', () => {
  it('offers a retry for an error that may pass', () => {
    const state = render({ error: '网络连接失败' })
    expect(state.text()).toContain('重试')
    expect(state.find('[data-test=go-home]').exists()).toBe(false)
  })

  it('offers the way home, not a retry, when the thing is missing', () => {
    const state = render({ error: '商品不存在', missing: true })
    expect(state.find('[data-test=go-home]').text()).toBe('返回首页')
    expect(state.text()).not.toContain('重试')
  })
})
