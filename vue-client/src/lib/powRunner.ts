import { solveAsync, type PowProgress, type PowSolution } from './pow'
import type { PowJob, PowReply } from './pow.worker'

const aborted = () => new DOMException('The challenge was cancelled.', 'AbortError')

/**
 * Solves a challenge in a Web Worker when the browser has them, else on the page in ~50 ms slices. A worker that
 * cannot start (blocked, failed to load) falls back to the page too. Rejects with an AbortError when `signal`
 * aborts; the worker is terminated then.
 */
export function runPow(
  challengeId: string,
  difficulty: number,
  options: { onProgress?: (progress: PowProgress) => void; signal?: AbortSignal; useWorker?: boolean } = {},
): Promise<PowSolution> {
  const { onProgress, signal } = options
  if (signal?.aborted) return Promise.reject(aborted())
  const inline = () => solveAsync(challengeId, difficulty, { onProgress, signal })
  if (!(options.useWorker ?? typeof Worker !== 'undefined')) return inline()

  return new Promise<PowSolution>((resolve, reject) => {
    let worker: Worker
    try {
      worker = new Worker(new URL('./pow.worker.ts', import.meta.url), { type: 'module' })
    } catch {
      inline().then(resolve, reject)
      return
    }
    let heard = false
    const finish = () => {
      worker.terminate()
      signal?.removeEventListener('abort', onAbort)
    }
    const onAbort = () => {
      finish()
      reject(aborted())
    }
    signal?.addEventListener('abort', onAbort, { once: true })
    worker.onmessage = ({ data }: MessageEvent<PowReply>) => {
      heard = true
      if (data.type === 'progress') return onProgress?.({ tried: data.tried, expected: data.expected })
      finish()
      if (data.type === 'solved') resolve({ solution: data.solution, tried: data.tried })
      else reject(new Error(data.message))
    }
    worker.onerror = (event) => {
      event.preventDefault()
      finish()
      // Never started (e.g. the script was blocked): do the work here instead.
      if (!heard) inline().then(resolve, reject)
      else reject(new Error(event.message || 'The challenge worker failed.'))
    }
    worker.postMessage({ challengeId, difficulty } satisfies PowJob)
  })
}
