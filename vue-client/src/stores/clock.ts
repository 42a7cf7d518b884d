import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { api } from '@/api/client'
import { chooseSample, sampleFromPush, sampleFromRoundTrip, type ClockSample } from '@/lib/serverClock'

/** Server time for countdowns: the device clock plus a measured offset, never the device clock alone. */
export const useClockStore = defineStore('clock', () => {
  const best = ref<ClockSample | null>(null)
  const offsetMs = computed(() => best.value?.offsetMs ?? 0)
  const synced = computed(() => best.value !== null)

  function now() {
    return Date.now() + offsetMs.value
  }

  function record(sample: ClockSample) {
    best.value = chooseSample(best.value, sample, Date.now())
  }

  /** A few HTTP round trips to GET /api/v1/time; the quickest one sets the offset. */
  async function sync(samples = 3) {
    for (let i = 0; i < samples; i++) {
      const sentAt = Date.now()
      try {
        const { serverTimeMs } = await api.time()
        record(sampleFromRoundTrip(serverTimeMs, sentAt, Date.now()))
      } catch {
        break
      }
    }
  }

  function pushed(serverTimeMs: number) {
    record(sampleFromPush(serverTimeMs, Date.now()))
  }

  return { best, offsetMs, synced, now, record, sync, pushed }
})
