// Prices are integer cents everywhere in the API; operators type yuan. The conversion works on the text, digit by
// digit, so "19.99" is 1999 cents exactly (Number("19.99") * 100 is 1998.9999999999998).

export type YuanParse =
  | { ok: true; cents: number | null }
  | { ok: false; reason: 'format' | 'decimals' | 'range' }

/** The largest whole yuan amount whose cents are still an exact (safe) integer. */
const maxYuan = Math.floor(Number.MAX_SAFE_INTEGER / 100)

/**
 * Reads an amount of yuan as typed: digits with at most two decimals ("12", "12.5", "12.50", ".5", "1,299.00"),
 * optionally after ¥/￥, full-width digits and point accepted (Chinese input methods). Empty text is no amount
 * (cents: null). Negative amounts, signs, exponents, more than two decimals and misplaced thousands separators are
 * refused, never rounded.
 */
export function parseYuan(text: string): YuanParse {
  const normal = text
    .replace(/[\uff10-\uff19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/[．。]/g, '.')
    .replace(/，/g, ',')
    .trim()
    .replace(/^[¥￥]\s*/, '')
  if (normal === '') return { ok: true, cents: null }
  const match = /^(\d{1,3}(?:,\d{3})+|\d*)(?:\.(\d*))?$/.exec(normal)
  if (!match) return { ok: false, reason: 'format' }
  const whole = (match[1] ?? '').replace(/,/g, '')
  const fraction = match[2] ?? ''
  if (whole === '' && fraction === '') return { ok: false, reason: 'format' }
  if (fraction.length > 2) return { ok: false, reason: 'decimals' }
  const yuan = whole === '' ? 0 : Number(whole)
  if (yuan > maxYuan) return { ok: false, reason: 'range' }
  const cents = yuan * 100 + Number(fraction.padEnd(2, '0'))
  return Number.isSafeInteger(cents) ? { ok: true, cents } : { ok: false, reason: 'range' }
}

/** Cents as yuan with two decimals ("1999" → "19.99"), by integer arithmetic. */
export function formatYuan(cents: number): string {
  if (!Number.isSafeInteger(cents)) return ''
  const sign = cents < 0 ? '-' : ''
  const abs = Math.abs(cents)
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`
}
