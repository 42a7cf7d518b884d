// The proof-of-work search off the main thread, so the countdown and the page stay smooth while it runs.
// One job per worker: post a PowJob, receive progress about every 50 ms and then `solved`. To cancel, the page
// terminates the worker (the search is synchronous, so a "stop" message could not be read before it ends).
import { solve } from './pow'

export interface PowJob {
  challengeId: string
  difficulty: number
}

export type PowReply =
  | { type: 'progress'; tried: number; expected: number }
  | { type: 'solved'; solution: string; tried: number }
  | { type: 'failed'; message: string }

// The app's type check uses the DOM library, which does not describe a worker's global scope.
const scope = self as unknown as { onmessage: ((event: MessageEvent<PowJob>) => void) | null; postMessage(reply: PowReply): void }

scope.onmessage = ({ data }) => {
  try {
    const found = solve(data.challengeId, data.difficulty, (p) => scope.postMessage({ type: 'progress', tried: p.tried, expected: p.expected }))
    scope.postMessage(found ? { type: 'solved', ...found } : { type: 'failed', message: 'stopped' })
  } catch (error) {
    scope.postMessage({ type: 'failed', message: error instanceof Error ? error.message : String(error) })
  }
}
