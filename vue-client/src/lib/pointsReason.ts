/** The i18n key of a points-ledger reason code (GET /me/points-history); an unknown code gets the generic wording. */
export const knownPointsReasons = ['paid', 'refund'] as const

export function pointsReasonKey(reason: string | null | undefined): string {
  return (knownPointsReasons as readonly string[]).includes(reason ?? '') ? `points.reason.${reason}` : 'points.reason.other'
}
