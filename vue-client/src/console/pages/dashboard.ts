// The dashboard's figures as shown: the conversion (0..1 from the API) as a percentage with one decimal.
export function percent(ratio: number): string {
  if (!Number.isFinite(ratio)) return '—'
  return `${(Math.round(ratio * 1000) / 10).toFixed(1)}%`
}
