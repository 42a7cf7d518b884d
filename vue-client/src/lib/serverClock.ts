/**
 * Server-time offset estimation (NTP-style, one sample = one round trip):
 *   offset ≈ serverTime − (sentAt + receivedAt) / 2, uncertain by ± rtt / 2.
 * The sample with the smallest round trip wins; a push without a round trip (SignalR ServerTime) only counts
 * while nothing better is known, or when it proves the current estimate wrong (the server cannot have stamped
 * a time later than the moment we received it).
 */
export interface ClockSample {
  offsetMs: number
  rttMs: number
  takenAt: number
}

export const pushUncertaintyMs = 1000
// Device clocks drift and sleep; an old sample is trusted less than a slightly slower fresh one.
const agingPerMinuteMs = 20

export function sampleFromRoundTrip(serverTimeMs: number, sentAt: number, receivedAt: number): ClockSample {
  const rttMs = Math.max(0, receivedAt - sentAt)
  return { offsetMs: Math.round(serverTimeMs - (sentAt + receivedAt) / 2), rttMs, takenAt: receivedAt }
}

export function sampleFromPush(serverTimeMs: number, receivedAt: number): ClockSample {
  return { offsetMs: serverTimeMs - receivedAt, rttMs: pushUncertaintyMs * 2, takenAt: receivedAt }
}

function cost(sample: ClockSample, now: number) {
  return sample.rttMs + ((now - sample.takenAt) / 60_000) * agingPerMinuteMs
}

/** The better of the current best and a new sample. */
export function chooseSample(best: ClockSample | null, next: ClockSample, now = next.takenAt): ClockSample {
  if (!best) return next
  // A push stamped after our estimate of "now on the server" proves the estimate is behind: take it.
  if (next.rttMs >= pushUncertaintyMs * 2 && next.offsetMs > best.offsetMs + best.rttMs / 2) return next
  return cost(next, now) <= cost(best, now) ? next : best
}
