import { computed, onScopeDispose, ref, toValue, type MaybeRefOrGetter } from 'vue'

export interface DurationParts { days: number; hours: number; minutes: number; seconds: number }

export function splitDuration(ms: number): DurationParts {
  const total = Math.max(0, Math.ceil(ms / 1000))
  return {
    days: Math.floor(total / 86_400),
    hours: Math.floor((total % 86_400) / 3600),
    minutes: Math.floor((total % 3600) / 60),
    seconds: total % 60,
  }
}

export function formatDuration(ms: number): string {
  const p = splitDuration(ms)
  const hh = String(p.hours).padStart(2, '0')
  const mm = String(p.minutes).padStart(2, '0')
  const ss = String(p.seconds).padStart(2, '0')
  return p.days > 0 ? `${p.days}d ${hh}:${mm}:${ss}` : `${hh}:${mm}:${ss}`
}

/**
 * Milliseconds left until `targetMs`, on the server's clock (`now` comes from the clock store). Ticks often
 * enough that the button opens within ~100 ms of the start, and fires `onDone` exactly once.
 */
export function useCountdown(targetMs: MaybeRefOrGetter<number | null>, now: () => number, onDone?: () => void, tickMs = 100) {
  const current = ref(now())
  let fired = false
  const timer = setInterval(() => {
    current.value = now()
    const target = toValue(targetMs)
    if (!fired && target !== null && current.value >= target) {
      fired = true
      onDone?.()
    }
  }, tickMs)
  onScopeDispose(() => clearInterval(timer))

  const remainingMs = computed(() => {
    const target = toValue(targetMs)
    return target === null ? 0 : Math.max(0, target - current.value)
  })
  const parts = computed(() => splitDuration(remainingMs.value))
  const text = computed(() => formatDuration(remainingMs.value))
  return { remainingMs, parts, text, now: current, stop: () => clearInterval(timer) }
}
