import { describe, expect, it } from 'vitest'
import { blankSearch, carriers, localMidnight, toFilter, totalText } from '@/console/pages/orders'
import { percent } from '@/console/pages/dashboard'
import { fileNameOf } from '@/console/download'

describe('the orders search → the API filters', () => {
  it('sends only what was filled in, trimmed', () => {
    expect(toFilter(blankSearch())).toEqual({})
    expect(toFilter({ ...blankSearch(), orderNo: ' 2026120712 ', account: ' a@b.cn', status: 'AfterSale', kind: 'seckill' }))
      .toEqual({ orderNo: '2026120712', account: 'a@b.cn', status: 'AfterSale', kind: 'seckill' })
  })

  it('turns local days into instants: from the first midnight to the midnight after the last day', () => {
    const filter = toFilter({ ...blankSearch(), dates: ['2026-12-01', '2026-12-07'] })
    expect(new Date(filter.from!).getTime()).toBe(new Date(2026, 11, 1).getTime())
    expect(new Date(filter.to!).getTime()).toBe(new Date(2026, 11, 8).getTime())
    // Local, not UTC: the instant is the operator's midnight, whatever the machine's zone.
    const first = new Date(filter.from!)
    expect([first.getHours(), first.getMinutes(), first.getDate()]).toEqual([0, 0, 1])
  })

  it('rolls over the month and the year', () => {
    expect(new Date(localMidnight('2026-12-31', 1)).getTime()).toBe(new Date(2027, 0, 1).getTime())
  })

  it('shows a capped total as a lower bound', () => {
    expect(totalText(10000, false, 'en')).toBe('10,000+')
    expect(totalText(1234, true, 'zh-CN')).toBe('1,234')
  })

  it('offers the common carriers', () => {
    expect(carriers).toContain('顺丰速运')
    expect(carriers).toContain('极兔速递')
  })
})

describe('the CSV file name from Content-Disposition', () => {
  it.each([
    [`attachment; filename="orders-20261207.csv"; filename*=UTF-8''%E8%AE%A2%E5%8D%95-20261207.csv`, '订单-20261207.csv'],
    ['attachment; filename="orders.csv"', 'orders.csv'],
    ['attachment; filename=orders-1.csv', 'orders-1.csv'],
    [`attachment; filename*=UTF-8''%E0%A4%A; filename="plain.csv"`, 'plain.csv'],
    ['attachment', null],
    [null, null],
  ])('%s → %s', (header, name) => {
    expect(fileNameOf(header)).toBe(name)
  })
})

describe('the dashboard conversion', () => {
  it.each([
    [0, '0.0%'],
    [1, '100.0%'],
    [0.3333, '33.3%'],
    [0.0005, '0.1%'],
    [Number.NaN, '—'],
  ])('%f → %s', (ratio, text) => {
    expect(percent(ratio)).toBe(text)
  })
})

describe('the console menu', () => {
  it('has a title for every page in both languages', async () => {
    const { i18n } = await import('@/i18n')
    await import('@/console/i18n')
    const { consolePages } = await import('@/console/menu')
    for (const locale of ['zh-CN', 'en'] as const) {
      for (const page of consolePages) {
        const key = `console.menu.${page.path}`
        expect(i18n.global.te(key, locale), `${locale} ${key}`).toBe(true)
        expect(i18n.global.t(key, {}, { locale })).not.toBe(key)
      }
    }
    expect(consolePages[0]!.path).toBe('dashboard')
  })
})

describe('the audit log: what changed', () => {
  it('lists the fields whose value differs, shortened', async () => {
    const { changedFields } = await import('@/console/pages/audit')
    expect(changedFields({ status: 'Paid', carrier: null, total: 100 }, { status: 'Shipped', carrier: '顺丰速运', total: 100 }))
      .toEqual([{ field: 'status', before: 'Paid', after: 'Shipped' }, { field: 'carrier', before: '—', after: '顺丰速运' }])
    expect(changedFields(null, { id: 7, specs: { 颜色: '红' } })).toEqual([{ field: 'id', before: '—', after: '7' }, { field: 'specs', before: '—', after: '{"颜色":"红"}' }])
    expect(changedFields({ title: 'x'.repeat(100) }, null)[0]!.before).toHaveLength(60)
    expect(changedFields({ a: 1 }, { a: 1 })).toEqual([])
  })
})
