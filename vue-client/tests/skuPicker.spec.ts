import { describe, expect, it } from 'vitest'
import { action, choose, initialChoice, isSelectable, matchingSku, missingSpecs, specOptions, valueState } from '@/lib/skuPicker'
import type { Sku } from '@/api/types'

const sku = (id: number, specs: Record<string, string>, available: number): Sku => ({ id, specs, priceCents: 100 * id, available })

// The demo shop's 全棉磨毛四件套: 雾蓝 only comes in 1.8m.
const bedding = [sku(31, { 颜色: '奶咖格', 尺寸: '1.5m' }, 120), sku(32, { 颜色: '奶咖格', 尺寸: '1.8m' }, 120), sku(33, { 颜色: '雾蓝', 尺寸: '1.8m' }, 100)]

describe('SKU picker', () => {
  const skus = [sku(1, { 颜色: '红', 尺码: 'M' }, 3), sku(2, { 颜色: '红', 尺码: 'L' }, 0), sku(3, { 颜色: '蓝', 尺码: 'L' }, 5)]

  it('lists spec values in first-seen order', () => {
    expect(specOptions(skus)).toEqual({ 颜色: ['红', '蓝'], 尺码: ['M', 'L'] })
  })

  it('finds the SKU for a full choice, sold out or not, and none for a partial one', () => {
    expect(matchingSku(skus, { 颜色: '蓝', 尺码: 'L' })?.id).toBe(3)
    expect(matchingSku(skus, { 颜色: '红', 尺码: 'L' })?.id).toBe(2)
    expect(matchingSku(skus, { 颜色: '红' })).toBeNull()
    expect(matchingSku(skus, { 颜色: '红', 尺码: '' })).toBeNull()
    expect(missingSpecs(skus, { 颜色: '红', 尺码: '' })).toEqual(['尺码'])
  })

  it('starts on the first SKU in stock', () => {
    expect(initialChoice(bedding)).toEqual({ 颜色: '奶咖格', 尺寸: '1.5m' })
    expect(initialChoice([sku(1, { 颜色: '红' }, 0), sku(2, { 颜色: '蓝' }, 4)])).toEqual({ 颜色: '蓝' })
  })

  it('with 1.5m preselected, 雾蓝 is not disabled: tapping it re-picks 1.8m', () => {
    const chosen = initialChoice(bedding)
    expect(valueState(bedding, chosen, '颜色', '雾蓝')).toBe('switch')
    expect(isSelectable(bedding, chosen, '颜色', '雾蓝')).toBe(true)
    const after = choose(bedding, chosen, '颜色', '雾蓝')
    expect(after).toEqual({ 颜色: '雾蓝', 尺寸: '1.8m' })
    expect(action(bedding, after)).toMatchObject({ kind: 'ready', sku: { id: 33 } })
    // And back: 1.5m only comes in 奶咖格.
    expect(valueState(bedding, after, '尺寸', '1.5m')).toBe('switch')
    expect(choose(bedding, after, '尺寸', '1.5m')).toEqual({ 颜色: '奶咖格', 尺寸: '1.5m' })
  })

  it('a value fitting the other picks is simply picked; tapping the picked one un-picks it', () => {
    const chosen = { 颜色: '奶咖格', 尺寸: '1.5m' }
    expect(valueState(bedding, chosen, '尺寸', '1.8m')).toBe('open')
    expect(choose(bedding, chosen, '尺寸', '1.8m')).toEqual({ 颜色: '奶咖格', 尺寸: '1.8m' })
    expect(valueState(bedding, chosen, '尺寸', '1.5m')).toBe('chosen')
    expect(choose(bedding, chosen, '尺寸', '1.5m')).toEqual({ 颜色: '奶咖格', 尺寸: '' })
  })

  it('disables a value only when no SKU in stock has it, and tapping it changes nothing', () => {
    const gone = [...bedding, sku(34, { 颜色: '墨绿', 尺寸: '1.8m' }, 0)]
    const chosen = { 颜色: '奶咖格', 尺寸: '1.5m' }
    expect(valueState(gone, chosen, '颜色', '墨绿')).toBe('disabled')
    expect(isSelectable(gone, chosen, '颜色', '墨绿')).toBe(false)
    expect(choose(gone, chosen, '颜色', '墨绿')).toEqual(chosen)
    // With nothing picked, every value some SKU in stock has is open.
    expect(valueState(gone, {}, '颜色', '雾蓝')).toBe('open')
    expect(valueState(gone, {}, '尺寸', '1.5m')).toBe('open')
  })

  it('re-picks the in-stock SKU that keeps most of the other picks', () => {
    const three = [
      sku(1, { 颜色: '红', 尺码: 'M', 款式: '短袖' }, 1),
      sku(2, { 颜色: '蓝', 尺码: 'L', 款式: '长袖' }, 1),
      sku(3, { 颜色: '蓝', 尺码: 'M', 款式: '长袖' }, 1),
      sku(4, { 颜色: '蓝', 尺码: 'M', 款式: '短袖' }, 0),
    ]
    // 蓝 with 短袖 is sold out: keep 尺码 M (SKU 3) rather than jump to SKU 2 (keeps nothing).
    expect(choose(three, { 颜色: '红', 尺码: 'M', 款式: '短袖' }, '颜色', '蓝')).toEqual({ 颜色: '蓝', 尺码: 'M', 款式: '长袖' })
  })

  it('asks to choose while a spec is missing, and says a sold-out SKU is sold out', () => {
    expect(action(bedding, {})).toEqual({ kind: 'choose', missing: ['颜色', '尺寸'] })
    expect(action(bedding, { 颜色: '雾蓝' })).toEqual({ kind: 'choose', missing: ['尺寸'] })
    const skus = [sku(1, { 颜色: '红', 尺码: 'M' }, 3), sku(2, { 颜色: '红', 尺码: 'L' }, 0)]
    expect(action(skus, { 颜色: '红', 尺码: 'L' })).toMatchObject({ kind: 'soldOut', sku: { id: 2 } })
    const allGone = [sku(7, { 颜色: '红' }, 0)]
    expect(initialChoice(allGone)).toEqual({ 颜色: '红' })
    expect(action(allGone, initialChoice(allGone))).toMatchObject({ kind: 'soldOut', sku: { id: 7 } })
    expect(action(allGone, {})).toMatchObject({ kind: 'soldOut' })
  })

  it('a product without specs is its only SKU', () => {
    const plain = [sku(9, {}, 2)]
    expect(action(plain, initialChoice(plain))).toMatchObject({ kind: 'ready', sku: { id: 9 } })
  })
})
