import { isAxiosError } from 'axios'

/** RFC 9457 body as the API sends it; validation errors carry `errors` as field → messages. */
export interface Problem {
  type?: string
  title?: string
  status?: number
  detail?: string | null
  traceId?: string
  errors?: Record<string, string[]> | { name: string; reason: string }[]
}

export type Translate = (key: string, values?: Record<string, unknown>) => string

export function problemOf(error: unknown): Problem | null {
  if (!isAxiosError(error) || !error.response) return null
  const data = error.response.data as Problem | string | undefined
  if (data && typeof data === 'object') return { status: error.response.status, ...data }
  return { status: error.response.status }
}

export function statusOf(error: unknown): number | undefined {
  return isAxiosError(error) ? error.response?.status : undefined
}

/** Field → first message, for showing beside form inputs. */
export function fieldErrors(error: unknown): Record<string, string> {
  const errors = problemOf(error)?.errors
  const out: Record<string, string> = {}
  if (Array.isArray(errors)) for (const e of errors) out[camel(e.name)] ??= e.reason
  else if (errors) for (const [field, messages] of Object.entries(errors)) if (messages.length) out[camel(field)] = messages[0]!
  return out
}

/** A sentence a person can act on: the API's detail or validation messages, else a status-based fallback. */
export function humanMessage(error: unknown, t: Translate): string {
  if (isAxiosError(error) && !error.response) return t('errors.network')
  const problem = problemOf(error)
  if (!problem) return error instanceof Error && error.message ? error.message : t('errors.unknown')
  const fields = Object.values(fieldErrors(error))
  if (fields.length) return fields.join(' ')
  if (problem.detail) return problem.detail
  const key = `errors.http${problem.status}`
  const text = t(key)
  if (text !== key) return text
  return problem.title ?? t('errors.unknown')
}

function camel(name: string) {
  return name ? name[0]!.toLowerCase() + name.slice(1) : name
}
