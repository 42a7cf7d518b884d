// The audit log's "what changed" column, apart from its template for the unit tests.

export interface FieldChange { field: string; before: string; after: string }

const short = (value: unknown, max = 60): string => {
  if (value === undefined || value === null) return '—'
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

/**
 * The top-level fields whose value differs between before and after (compared as JSON), in the after's order then
 * the ones only before had; a creation lists every field of after, a deletion every field of before. Values are
 * shortened for a table cell: the row's expansion shows them in full.
 */
export function changedFields(before: unknown, after: unknown, limit = 6): FieldChange[] {
  const asObject = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {})
  const b = asObject(before)
  const a = asObject(after)
  const changes: FieldChange[] = []
  for (const field of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (JSON.stringify(a[field]) === JSON.stringify(b[field])) continue
    changes.push({ field, before: short(b[field]), after: short(a[field]) })
  }
  return changes.slice(0, limit)
}
