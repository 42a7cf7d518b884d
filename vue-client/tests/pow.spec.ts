import { describe, expect, it } from 'vitest'
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js'
import { leadingZeroBits, meets, PowSearch, progressEstimate, solve, solveAsync } from '@/lib/pow'

const hashOf = (challengeId: string, solution: string) => sha256(utf8ToBytes(`${challengeId}:${solution}`))

describe('SHA-256 (the library the worker uses)', () => {
  it('matches the FIPS 180-2 test vector for "abc"', () => {
    expect(bytesToHex(sha256(utf8ToBytes('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
  })
})

describe('leadingZeroBits', () => {
  it.each([
    [[0x80], 0],
    [[0xff, 0x00], 0],
    [[0x40], 1],
    [[0x01], 7],
    [[0x00, 0x80], 8],
    [[0x00, 0x00, 0x10], 19],
    [[0x00, 0x0f], 12],
    [[0x00, 0x00], 16],
    [[], 0],
  ])('%j has %i', (bytes, bits) => {
    expect(leadingZeroBits(Uint8Array.from(bytes))).toBe(bits)
  })

  it('agrees with meets() on every byte value', () => {
    for (let b = 0; b < 256; b++) {
      const bytes = Uint8Array.from([0, b, 0xff])
      const bits = leadingZeroBits(bytes)
      for (let d = 0; d <= 24; d++) expect(meets(bytes, d)).toBe(bits >= d)
    }
  })
})

describe('solve', () => {
  it.each([0, 1, 8, 12])('finds a solution whose hash has at least %i leading zero bits', (difficulty) => {
    const id = `c-${difficulty}-9b1f0c2e`
    const found = solve(id, difficulty)!
    expect(found.solution).toMatch(/^(0|[1-9][0-9]*)$/)
    expect(leadingZeroBits(hashOf(id, found.solution))).toBeGreaterThanOrEqual(difficulty)
    // The counter starts at "0" and counts up: the solution is the first one, found after solution + 1 hashes.
    expect(found.tried).toBe(Number(found.solution) + 1)
    for (let n = 0; n < Number(found.solution); n++) expect(leadingZeroBits(hashOf(id, String(n)))).toBeLessThan(difficulty)
  })

  it('handles non-ASCII challenge ids as UTF-8', () => {
    const found = solve('挑战-ü', 8)!
    expect(leadingZeroBits(hashOf('挑战-ü', found.solution))).toBeGreaterThanOrEqual(8)
  })

  it('counts in decimal across digit boundaries', () => {
    const search = new PowSearch('x', 256) // never solvable: only the counter moves
    search.step(9)
    expect(search.counter).toBe('9')
    search.step(1)
    expect(search.counter).toBe('10')
    search.step(90)
    expect(search.counter).toBe('100')
    search.step(900)
    expect(search.counter).toBe('1000')
    expect(search.tried).toBe(1000)
  })

  it('reports progress and stops when asked to', () => {
    const reports: number[] = []
    const found = solve('never', 64, (p) => {
      reports.push(p.tried)
      expect(p.expected).toBe(2 ** 64)
      return reports.length < 3
    }, 1)
    expect(found).toBeNull()
    expect(reports).toHaveLength(3)
    expect(reports[0]).toBeLessThan(reports[2]!)
  })

  it('solves asynchronously and can be aborted', async () => {
    const found = await solveAsync('async', 10)
    expect(leadingZeroBits(hashOf('async', found.solution))).toBeGreaterThanOrEqual(10)
    const controller = new AbortController()
    const running = solveAsync('never', 64, { sliceMs: 5, signal: controller.signal, onProgress: () => controller.abort() })
    await expect(running).rejects.toMatchObject({ name: 'AbortError' })
  })

  it('estimates progress between 0 and 1', () => {
    expect(progressEstimate(0, 16)).toBe(0)
    expect(progressEstimate(2 ** 16, 16)).toBeCloseTo(1 - Math.exp(-1))
    expect(progressEstimate(2 ** 30, 16)).toBeLessThanOrEqual(1)
  })

  it('rejects a nonsense difficulty', () => {
    expect(() => solve('x', -1)).toThrow(RangeError)
    expect(() => solve('x', 1.5)).toThrow(RangeError)
  })
})
