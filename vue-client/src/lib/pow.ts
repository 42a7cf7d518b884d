// The proof-of-work puzzle the API may ask for before a login, a registration or a seckill token: find a decimal
// counter `solution` ("0", "1", "2", …) such that SHA-256(utf8(challengeId + ":" + solution)) starts with at least
// `difficulty` zero bits (bit 7 of byte 0 first). Expected work: 2^difficulty hashes. Pure and synchronous, so it
// runs the same in a Web Worker (pow.worker.ts), inline on the page, and in unit tests.
import { sha256 } from '@noble/hashes/sha2.js'

export interface PowProgress {
  /** Hashes tried so far. */
  tried: number
  /** The expected number of hashes for this difficulty: 2^difficulty. */
  expected: number
}

export interface PowSolution {
  solution: string
  /** Hashes tried, the winning one included. */
  tried: number
}

/** Leading zero bits of a byte string, bit 7 of byte 0 first. */
export function leadingZeroBits(bytes: Uint8Array): number {
  let bits = 0
  for (const byte of bytes) {
    if (byte === 0) {
      bits += 8
      continue
    }
    return bits + Math.clz32(byte) - 24
  }
  return bits
}

/** True when `hash` starts with at least `difficulty` zero bits (cheaper than counting them all). */
export function meets(hash: Uint8Array, difficulty: number): boolean {
  const whole = difficulty >> 3
  for (let i = 0; i < whole; i++) if (hash[i] !== 0) return false
  const rest = difficulty & 7
  return rest === 0 || (hash[whole] ?? 0) >> (8 - rest) === 0
}

/** The expected number of hashes for a difficulty. */
export const expectedHashes = (difficulty: number) => 2 ** difficulty

/**
 * A rough 0..1 progress figure for `tried` hashes: the chance a solution would have turned up by now
 * (1 − e^(−tried/expected)). It never reaches 1 before the solution is found, and slows down as it rises,
 * which is honest: the work is a lottery, not a countdown.
 */
export function progressEstimate(tried: number, difficulty: number): number {
  return 1 - Math.exp(-tried / expectedHashes(difficulty))
}

const enc = new TextEncoder()
const ZERO = 0x30
const NINE = 0x39

/**
 * A resumable search. The hasher state after `challengeId:` is kept and copied into a reused hasher for every
 * candidate (about three times faster than a fresh `sha256()` per hash, which allocates), and the ASCII counter is
 * incremented in place (no string building per hash).
 */
export class PowSearch {
  readonly expected: number
  tried = 0
  private readonly afterPrefix = sha256.create()
  private readonly work = sha256.create()
  private readonly hash = new Uint8Array(32)
  private digits = new Uint8Array(24)
  private len = 1
  /** digits[0, len), recreated only when the counter grows a digit. */
  private view: Uint8Array

  constructor(
    readonly challengeId: string,
    readonly difficulty: number,
  ) {
    if (!Number.isInteger(difficulty) || difficulty < 0 || difficulty > 256) throw new RangeError(`bad difficulty ${difficulty}`)
    this.afterPrefix.update(enc.encode(`${challengeId}:`))
    this.digits[0] = ZERO
    this.view = this.digits.subarray(0, 1)
    this.expected = expectedHashes(difficulty)
  }

  /** The counter as it stands (the next candidate). */
  get counter(): string {
    return String.fromCharCode(...this.view)
  }

  /**
   * Tries candidates until one meets the difficulty or `maxHashes` were tried; the solution, or null to be
   * called again.
   */
  step(maxHashes: number): PowSolution | null {
    const d = this.difficulty
    for (let n = 0; n < maxHashes; n++) {
      this.afterPrefix._cloneInto(this.work)
      this.work.update(this.view)
      this.work.digestInto(this.hash)
      this.tried++
      if (meets(this.hash, d)) {
        const solution = this.counter
        this.increment()
        return { solution, tried: this.tried }
      }
      this.increment()
    }
    return null
  }

  private increment() {
    const digits = this.digits
    let i = this.len - 1
    while (i >= 0 && digits[i] === NINE) digits[i--] = ZERO
    if (i >= 0) {
      digits[i]!++
      return
    }
    // All nines: one more digit, "1" followed by zeros.
    if (this.len === digits.length) {
      const bigger = new Uint8Array(digits.length * 2)
      bigger.set(digits)
      this.digits = bigger
    }
    this.digits[0] = 0x31
    this.digits[this.len++] = ZERO
    this.view = this.digits.subarray(0, this.len)
  }
}

/** Hashes between clock reads: small enough to keep progress reports near the interval, large enough to be cheap. */
const BATCH = 512

/**
 * Finds a solution synchronously. `onProgress` is called about every `intervalMs` (default 50) of work; return
 * `false` from it to stop, and `solve` returns null.
 */
export function solve(
  challengeId: string,
  difficulty: number,
  onProgress?: (progress: PowProgress) => boolean | void,
  intervalMs = 50,
): PowSolution | null {
  const search = new PowSearch(challengeId, difficulty)
  let last = performance.now()
  for (;;) {
    const found = search.step(BATCH)
    if (found) return found
    if (!onProgress) continue
    const now = performance.now()
    if (now - last < intervalMs) continue
    last = now
    if (onProgress({ tried: search.tried, expected: search.expected }) === false) return null
  }
}

/**
 * The same search in slices of about `sliceMs`, yielding to the event loop between them: for the page itself
 * when there is no Web Worker. Rejects with an AbortError when `signal` aborts.
 */
export async function solveAsync(
  challengeId: string,
  difficulty: number,
  options: { onProgress?: (progress: PowProgress) => void; signal?: AbortSignal; sliceMs?: number } = {},
): Promise<PowSolution> {
  const search = new PowSearch(challengeId, difficulty)
  const sliceMs = options.sliceMs ?? 50
  for (;;) {
    options.signal?.throwIfAborted()
    const until = performance.now() + sliceMs
    do {
      const found = search.step(BATCH)
      if (found) return found
    } while (performance.now() < until)
    options.onProgress?.({ tried: search.tried, expected: search.expected })
    await new Promise((resolve) => setTimeout(resolve, 0))
  }
}
