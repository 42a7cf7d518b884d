import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { nextTick } from 'vue'
import { i18n } from '@/i18n'
import { ApiError } from '@/api/problem'
import { formatYuan, parseYuan } from '@/lib/yuan'
import { formatDateTime } from '@/lib/datetime'
import '@/console/i18n'
import YuanInput from '@/console/components/YuanInput.vue'
import ProblemAlert from '@/console/components/ProblemAlert.vue'

describe('yuan typed by an operator → integer cents', () => {
  it.each([
    ['19.99', 1999], // Number('19.99') * 100 is 1998.9999999999998
    ['0.1', 10],
    ['0.07', 7],
    ['1.005'.slice(0, 4), 100], // "1.00"
    ['12', 1200],
    ['12.', 1200],
    ['.5', 50],
    ['0', 0],
    ['007.50', 750],
    ['  ¥ 8.88 ', 888],
    ['￥1,299.90', 129990],
    ['１２．３４', 1234], // full-width digits and point from a Chinese input method
    ['90071992547409.91', 9007199254740991], // the largest exact amount
  ])('%s → %i cents', (text, cents) => {
    expect(parseYuan(text)).toEqual({ ok: true, cents })
  })

  it('empty text is no amount, not zero', () => {
    expect(parseYuan('')).toEqual({ ok: true, cents: null })
    expect(parseYuan('   ')).toEqual({ ok: true, cents: null })
  })

  it.each([
    ['19.999', 'decimals'],
    ['0.001', 'decimals'],
    ['-1', 'format'],
    ['+1', 'format'],
    ['1e3', 'format'],
    ['abc', 'format'],
    ['1.2.3', 'format'],
    ['.', 'format'],
    ['12,34', 'format'],
    ['1,2345', 'format'],
    ['Infinity', 'format'],
    ['90071992547409.92', 'range'],
    ['100000000000000000000', 'range'],
  ])('refuses %s (%s), never rounds', (text, reason) => {
    expect(parseYuan(text)).toEqual({ ok: false, reason })
  })

  it('formats cents back with two decimals, by integer arithmetic', () => {
    expect(formatYuan(1999)).toBe('19.99')
    expect(formatYuan(10)).toBe('0.10')
    expect(formatYuan(7)).toBe('0.07')
    expect(formatYuan(0)).toBe('0.00')
    expect(formatYuan(120000)).toBe('1200.00')
    expect(formatYuan(-5)).toBe('-0.05')
    expect(formatYuan(9007199254740991)).toBe('90071992547409.91')
    for (let cents = 0; cents < 100_000; cents += 7) expect(parseYuan(formatYuan(cents))).toEqual({ ok: true, cents })
  })
})

describe('YuanInput', () => {
  const mountInput = (modelValue: number | null) => {
    const updates: (number | null)[] = []
    const wrapper = mount(YuanInput, {
      props: { modelValue, name: 'price', 'onUpdate:modelValue': (v: number | null) => { updates.push(v); void wrapper.setProps({ modelValue: v }) } },
      global: { plugins: [i18n] },
    })
    return { wrapper, updates, input: () => wrapper.get('input[name=price]') }
  }

  it('shows the model in yuan and emits exact cents as the operator types', async () => {
    i18n.global.locale.value = 'zh-CN'
    const { input, updates } = mountInput(1999)
    expect((input().element as HTMLInputElement).value).toBe('19.99')
    await input().setValue('0.29')
    await input().setValue('1299.9')
    expect(updates).toEqual([29, 129990])
  })

  it('leaves the model empty and says why for a third decimal; tidies the text on blur', async () => {
    i18n.global.locale.value = 'zh-CN'
    const { wrapper, input, updates } = mountInput(null)
    await input().setValue('19.999')
    expect(updates).toEqual([null])
    expect(wrapper.get('[data-test=yuan-error]').text()).toContain('两位小数')
    await input().setValue('19.9')
    await input().trigger('blur')
    await nextTick()
    expect(wrapper.find('[data-test=yuan-error]').exists()).toBe(false)
    expect((input().element as HTMLInputElement).value).toBe('19.90')
    expect(updates).toEqual([null, 1990])
  })

  it('follows a value set from outside (a product loaded for editing)', async () => {
    const { wrapper, input } = mountInput(null)
    await wrapper.setProps({ modelValue: 5 })
    expect((input().element as HTMLInputElement).value).toBe('0.05')
  })
})

describe('date-times in the operator’s local time', () => {
  const instant = '2026-12-07T16:30:05Z'

  it('shows the same instant in each time zone’s wall-clock time', () => {
    expect(formatDateTime(instant, 'Asia/Shanghai')).toBe('2026-12-08 00:30:05')
    expect(formatDateTime(instant, 'America/New_York')).toBe('2026-12-07 11:30:05')
    expect(formatDateTime(instant, 'UTC')).toBe('2026-12-07 16:30:05')
    expect(formatDateTime('2026-12-08T00:30:05+08:00', 'UTC')).toBe('2026-12-07 16:30:05')
  })

  it('uses the browser’s zone by default, a 24-hour clock, and takes epoch milliseconds and Dates', () => {
    const date = new Date(2026, 0, 2, 3, 4, 5) // local wall-clock time
    expect(formatDateTime(date)).toBe('2026-01-02 03:04:05')
    expect(formatDateTime(date.getTime())).toBe('2026-01-02 03:04:05')
    expect(formatDateTime(new Date(2026, 5, 30, 23, 59, 59).toISOString())).toBe('2026-06-30 23:59:59')
    expect(formatDateTime(new Date(2026, 5, 30, 0, 0, 0))).toBe('2026-06-30 00:00:00')
  })

  it('shows nothing for no value and unreadable text as it is', () => {
    expect(formatDateTime(null)).toBe('')
    expect(formatDateTime(undefined)).toBe('')
    expect(formatDateTime('')).toBe('')
    expect(formatDateTime('not a date')).toBe('not a date')
  })
})

describe('ProblemAlert', () => {
  const show = (error: unknown, labels?: Record<string, string>) => mount(ProblemAlert, { props: { error, labels }, global: { plugins: [i18n] } })

  it('shows the title, the detail and the code as the server sent them', () => {
    const wrapper = show(new ApiError(409, { title: '库存不足', status: 409, detail: '仅剩 2 件。', code: 'catalog.stock_below_sold' }))
    expect(wrapper.get('[data-test=problem]').text()).toContain('库存不足')
    expect(wrapper.get('[data-test=problem-detail]').text()).toBe('仅剩 2 件。')
    expect(wrapper.get('[data-test=problem]').attributes('data-code')).toBe('catalog.stock_below_sold')
  })

  it('lists every field error under the label the form gives the field', () => {
    const wrapper = show(
      new ApiError(400, { title: '请求有误', status: 400, errors: { title: ['商品名称不能为空。'], 'skus[0].priceCents': ['价格必须大于 0。', '价格过高。'] } }),
      { title: '商品名称', 'skus[0].priceCents': '规格 1 价格' },
    )
    const fields = wrapper.findAll('[data-test=problem-field]')
    expect(fields.map((f) => f.attributes('data-field'))).toEqual(['title', 'skus[0].priceCents'])
    expect(fields[0]!.text()).toBe('商品名称：商品名称不能为空。')
    expect(fields[1]!.text()).toBe('规格 1 价格：价格必须大于 0。 价格过高。')
  })

  it('names an unlabelled field as the API does, and does not repeat a detail equal to the title', () => {
    const wrapper = show(new ApiError(400, { title: 'Bad request', detail: 'Bad request', errors: { stock: ['Too low.'] } }))
    expect(wrapper.find('[data-test=problem-detail]').exists()).toBe(false)
    expect(wrapper.get('[data-test=problem-field]').text()).toBe('stock：Too low.')
  })

  it('says so when no answer came, and shows nothing without an error', () => {
    i18n.global.locale.value = 'zh-CN'
    expect(show(new ApiError(undefined, null)).get('[data-test=problem]').text()).toContain(i18n.global.t('errors.network'))
    expect(show(null).find('[data-test=problem]').exists()).toBe(false)
  })
})
