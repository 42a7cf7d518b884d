/** The reasons a shopper picks from when cancelling an order; "other" lets them type one. */
export const cancelReasonKeys = ['changedMind', 'wrongInfo', 'duplicate', 'cheaperElsewhere', 'other'] as const
export type CancelReasonKey = (typeof cancelReasonKeys)[number]

export const MAX_CANCEL_REASON = 200

/**
 * The text sent as the cancel reason: the chosen reason worded in the shopper's language (what the console reads), or
 * what they typed for "other" (trimmed, cut to the API's limit). Null when nothing usable was given.
 */
export function cancelReasonText(key: CancelReasonKey | null, typed: string, word: (key: CancelReasonKey) => string): string | null {
  if (!key) return null
  if (key !== 'other') return word(key)
  const text = typed.trim().slice(0, MAX_CANCEL_REASON)
  return text || null
}
