import { describe, expect, it } from 'vitest'
import { salesText } from '@/lib/sales'

describe('salesText', () => {
  it('shows nothing before the first sale', () => {
    expect(salesText(0, 'zh-CN')).toBe('')
    expect(salesText(0, 'en')).toBe('')
    expect(salesText(-3, 'en')).toBe('')
  })

  it('counts exactly below the first unit', () => {
    expect(salesText(1, 'zh-CN')).toBe('已售 1')
    expect(salesText(9_999, 'zh-CN')).toBe('已售 9999')
    expect(salesText(7, 'en')).toBe('7 sold')
    expect(salesText(999, 'en')).toBe('999 sold')
  })

  it('rounds down to one decimal of 万 and 亿 in Chinese', () => {
    expect(salesText(10_000, 'zh-CN')).toBe('已售 1万+')
    expect(salesText(12_345, 'zh-CN')).toBe('已售 1.2万+')
    expect(salesText(19_999, 'zh-CN')).toBe('已售 1.9万+')
    expect(salesText(99_999_999, 'zh-CN')).toBe('已售 9999.9万+')
    expect(salesText(150_000_000, 'zh-CN')).toBe('已售 1.5亿+')
  })

  it('rounds down to one decimal of k and M in English', () => {
    expect(salesText(1_000, 'en')).toBe('1k sold')
    expect(salesText(1_250, 'en')).toBe('1.2k sold')
    expect(salesText(999_999, 'en')).toBe('999.9k sold')
    expect(salesText(2_340_000, 'en')).toBe('2.3M sold')
  })
})
