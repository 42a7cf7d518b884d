import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { effectScope } from 'vue'
import { createPinia, setActivePinia } from 'pinia'
import { chooseSample, sampleFromPush, sampleFromRoundTrip } from '@/lib/serverClock'
import { formatDuration, splitDuration, useCountdown } from '@/composables/useCountdown'

vi.mock('@/api/client', () => ({ api: { time: vi.fn() }, bare: {}, http: {} }))
import { api } from '@/api/client'
import { useClockStore } from '@/stores/clock'

describe('server clock offset', () => {
  it('takes the midpoint of the round trip', () => {
    // Sent at 1000, back at 1100; the server stamped 5050 halfway: offset 4000.
    expect(sampleFromRoundTrip(5050, 1000, 1100)).toEqual({ offsetMs: 4000, rttMs: 100, takenAt: 1100 })
  })

  it('prefers the sample with the shortest round trip', () => {
    const slow = sampleFromRoundTrip(10_000, 0, 400)
    const fast = sampleFromRoundTrip(10_020, 0, 40)
    expect(chooseSample(slow, fast)).toBe(fast)
    expect(chooseSample(fast, slow)).toBe(fast)
  })

  it('uses a pushed ServerTime only when nothing better is known or it proves the estimate behind', () => {
    const good = sampleFromRoundTrip(10_050, 0, 100) // offset 10 000 ± 50
    expect(chooseSample(null, sampleFromPush(10_000, 0))).toMatchObject({ offsetMs: 10_000 })
    expect(chooseSample(good, sampleFromPush(10_030, 40))).toBe(good) // consistent with the estimate
    const late = sampleFromPush(12_000, 100) // the server says it is already 2 s later
    expect(chooseSample(good, late, 100)).toBe(late)
  })

  it('counts down on server time, not the device clock', async () => {
    setActivePinia(createPinia())
    vi.useFakeTimers()
    vi.setSystemTime(1_000_000)
    // The device is 1 h behind the server.
    vi.mocked(api.time).mockResolvedValue({ serverTimeMs: 1_000_000 + 3_600_000 })
    const clock = useClockStore()
    await clock.sync(1)
    expect(clock.offsetMs).toBe(3_600_000)

    const start = 1_000_000 + 3_600_000 + 5_000 // five server seconds from now
    const done = vi.fn()
    const scope = effectScope()
    const countdown = scope.run(() => useCountdown(start, () => clock.now(), done))!
    vi.advanceTimersByTime(100)
    expect(countdown.text.value).toBe('00:00:05')
    vi.advanceTimersByTime(4000)
    expect(done).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1000)
    expect(done).toHaveBeenCalledTimes(1)
    vi.advanceTimersByTime(1000)
    expect(done).toHaveBeenCalledTimes(1)
    expect(countdown.remainingMs.value).toBe(0)
    scope.stop()
  })
})

describe('durations', () => {
  beforeEach(() => vi.useRealTimers())
  afterEach(() => vi.useRealTimers())
  it('splits and formats', () => {
    expect(splitDuration(90_061_000)).toEqual({ days: 1, hours: 1, minutes: 1, seconds: 1 })
    expect(formatDuration(3_599_001)).toBe('01:00:00')
    expect(formatDuration(-5)).toBe('00:00:00')
    expect(formatDuration(2 * 86_400_000 + 5_000)).toBe('2d 00:00:05')
  })
})
