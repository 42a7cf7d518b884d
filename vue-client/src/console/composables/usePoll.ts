import { onBeforeUnmount, onMounted } from 'vue'

/**
 * Calls `tick` every `intervalMs` while the page is visible: at once when it is mounted or becomes visible again,
 * never while hidden (a background tab costs the API nothing), never twice at a time (a slow answer delays the next
 * call instead of stacking calls). Stops when the component goes away.
 */
export function usePoll(tick: () => Promise<unknown>, intervalMs: number, doc: Document = document) {
  let timer: ReturnType<typeof setTimeout> | undefined
  let running = false
  let stopped = true

  async function run() {
    timer = undefined
    if (stopped || doc.visibilityState !== 'visible' || running) return
    running = true
    try {
      await tick()
    } catch {
      // The page shows the failure itself; polling goes on.
    } finally {
      running = false
    }
    if (!stopped && doc.visibilityState === 'visible' && timer === undefined) timer = setTimeout(run, intervalMs)
  }

  function onVisibility() {
    if (timer !== undefined) clearTimeout(timer)
    timer = undefined
    if (doc.visibilityState === 'visible') void run()
  }

  function start() {
    if (!stopped) return
    stopped = false
    doc.addEventListener('visibilitychange', onVisibility)
    void run()
  }

  function stop() {
    stopped = true
    doc.removeEventListener('visibilitychange', onVisibility)
    if (timer !== undefined) clearTimeout(timer)
    timer = undefined
  }

  onMounted(start)
  onBeforeUnmount(stop)
  return { start, stop }
}
