/**
 * Units sold as shops show them: exact below the first big unit, then rounded down to one decimal with the unit
 * (已售 1.2万+ in Chinese, where 万 is 10,000; "1.2k sold" in English). Rounded down, so a count is never
 * overstated. Nothing sold yet: an empty string (the page shows no line at all).
 */
export function salesText(sold: number, locale: string): string {
  const n = Math.max(0, Math.floor(sold || 0))
  if (n === 0) return ''
  const short = (value: number, unit: number) => String(Math.floor((value / unit) * 10) / 10)
  if (locale.startsWith('zh')) {
    if (n < 10_000) return `已售 ${n}`
    if (n < 100_000_000) return `已售 ${short(n, 10_000)}万+`
    return `已售 ${short(n, 100_000_000)}亿+`
  }
  if (n < 1_000) return `${n} sold`
  if (n < 1_000_000) return `${short(n, 1_000)}k sold`
  return `${short(n, 1_000_000)}M sold`
}
