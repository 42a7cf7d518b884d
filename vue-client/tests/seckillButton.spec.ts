import { describe, expect, it, vi } from 'vitest'
import { next, transitions, useSeckillButton, type SeckillState } from '@/composables/useSeckillButton'

describe('the seckill button transition table', () => {
  it('walks the happy path', () => {
    let s: SeckillState = 'not-started'
    for (const [event, expected] of [
      ['SCHEDULED', 'counting-down'], ['OPEN', 'ready'], ['SUBMIT', 'submitting'], ['QUEUED', 'queued'], ['SUCCEEDED', 'success'],
    ] as const) {
      s = next(s, event)
      expect(s).toBe(expected)
    }
  })

  it.each([
    ['SOLD_OUT', 'sold-out'], ['LIMIT_REACHED', 'limit-reached'], ['FAILED', 'failed'], ['THROTTLED', 'ready'], ['NOT_YET', 'counting-down'],
  ] as const)('maps a submission answered %s to %s', (event, expected) => {
    expect(next('submitting', event)).toBe(expected)
  })

  it('cannot submit unless ready', () => {
    for (const state of Object.keys(transitions) as SeckillState[]) {
      expect(transitions[state].SUBMIT !== undefined).toBe(state === 'ready')
    }
  })

  it('keeps a queued reservation when the stock reaches zero (the last unit may be ours)', () => {
    expect(next('queued', 'SOLD_OUT')).toBe('queued')
    expect(next('ready', 'SOLD_OUT')).toBe('sold-out')
    expect(next('counting-down', 'SOLD_OUT')).toBe('sold-out')
  })

  it('treats success and limit-reached as final', () => {
    for (const event of ['OPEN', 'SUBMIT', 'FAILED', 'SOLD_OUT', 'RETRY'] as const) {
      expect(next('success', event)).toBe('success')
      expect(next('limit-reached', event)).toBe('limit-reached')
    }
  })

  it('reopens a sold-out sale when stock is returned', () => {
    expect(next('sold-out', 'RESTOCKED')).toBe('ready')
  })
})

describe('useSeckillButton', () => {
  it('runs the action once for a burst of clicks (debounce and state guard)', async () => {
    let now = 0
    const button = useSeckillButton({ debounceMs: 500, clock: () => now })
    button.send('OPEN')
    let release!: (e: 'QUEUED') => void
    const action = vi.fn(() => new Promise<'QUEUED'>((r) => (release = r)))
    const first = button.press(action)
    now = 100
    const second = button.press(action)
    now = 900 // past the debounce window, but still submitting
    const third = button.press(action)
    expect(button.state.value).toBe('submitting')
    release('QUEUED')
    expect(await first).toBe(true)
    expect(await second).toBe(false)
    expect(await third).toBe(false)
    expect(action).toHaveBeenCalledTimes(1)
    expect(button.state.value).toBe('queued')
  })

  it('turns a thrown action into failed, and lets the shopper retry', async () => {
    let now = 0
    const button = useSeckillButton({ debounceMs: 0, clock: () => now++ })
    button.send('OPEN')
    await button.press(async () => {
      throw new Error('network')
    })
    expect(button.state.value).toBe('failed')
    expect(button.enabled.value).toBe(true)
    await button.press(async () => 'QUEUED')
    expect(button.state.value).toBe('queued')
  })

  it('does nothing before the sale opens', async () => {
    const button = useSeckillButton({ debounceMs: 0 })
    button.send('SCHEDULED')
    const action = vi.fn(async () => 'QUEUED' as const)
    expect(await button.press(action)).toBe(false)
    expect(action).not.toHaveBeenCalled()
    expect(button.state.value).toBe('counting-down')
  })
})
