import { afterEach, describe, expect, it, vi } from 'vitest'
import { mount } from '@vue/test-utils'
import { defineComponent, h } from 'vue'
import { usePoll } from '@/console/composables/usePoll'

/** A document whose visibility the test sets. */
function fakeDocument() {
  const target = new EventTarget() as EventTarget & { visibilityState: DocumentVisibilityState }
  target.visibilityState = 'visible'
  return target
}

function mountPolling(tick: () => Promise<unknown>, doc: ReturnType<typeof fakeDocument>) {
  return mount(defineComponent({ setup: () => (usePoll(tick, 2000, doc as unknown as Document), () => h('div')) }))
}

describe('the live panel polling', () => {
  afterEach(() => vi.useRealTimers())

  it('polls at once, then every interval while visible, pauses while hidden, resumes at once, stops on unmount', async () => {
    vi.useFakeTimers()
    const doc = fakeDocument()
    const tick = vi.fn(() => Promise.resolve())
    const wrapper = mountPolling(tick, doc)
    await vi.advanceTimersByTimeAsync(0)
    expect(tick).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(4000)
    expect(tick).toHaveBeenCalledTimes(3)

    doc.visibilityState = 'hidden'
    doc.dispatchEvent(new Event('visibilitychange'))
    await vi.advanceTimersByTimeAsync(10_000)
    expect(tick).toHaveBeenCalledTimes(3)

    doc.visibilityState = 'visible'
    doc.dispatchEvent(new Event('visibilitychange'))
    await vi.advanceTimersByTimeAsync(0)
    expect(tick).toHaveBeenCalledTimes(4)

    wrapper.unmount()
    await vi.advanceTimersByTimeAsync(10_000)
    expect(tick).toHaveBeenCalledTimes(4)
  })

  it('never stacks calls behind a slow answer, and goes on after a failure', async () => {
    vi.useFakeTimers()
    const doc = fakeDocument()
    let calls = 0
    const tick = vi.fn(() => {
      calls++
      return calls === 1
        ? new Promise((resolve) => setTimeout(resolve, 5000))
        : Promise.reject(new Error('down'))
    })
    const wrapper = mountPolling(tick, doc)
    await vi.advanceTimersByTimeAsync(4999)
    expect(tick).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(1 + 2000)
    expect(tick).toHaveBeenCalledTimes(2)
    await vi.advanceTimersByTimeAsync(2000)
    expect(tick).toHaveBeenCalledTimes(3)
    wrapper.unmount()
  })
})
