import type { ProblemBody, ValidationProblemBody } from './types'

/**
 * An RFC 9457 body as the API sends it, from the document: every error is a ProblemBody; a 400 adds `errors`,
 * camelCase field → messages. Read defensively: a proxy in front of the API may answer with something else.
 */
export type Problem = Partial<ProblemBody> & Partial<Pick<ValidationProblemBody, 'errors'>>

/** What every failed API call throws: the status (none when no answer came) and the problem body, if any. */
export class ApiError extends Error {
  constructor(
    readonly status: number | undefined,
    readonly problem: Problem | null,
    message = problem?.detail || problem?.title || (status ? `HTTP ${status}` : 'Network error'),
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

export type Translate = (key: string, values?: Record<string, unknown>) => string

export function problemOf(error: unknown): Problem | null {
  if (!(error instanceof ApiError) || error.status === undefined) return null
  return { status: error.status, ...error.problem }
}

export function statusOf(error: unknown): number | undefined {
  return error instanceof ApiError ? error.status : undefined
}

/** Field → first message, for showing beside form inputs. */
export function fieldErrors(error: unknown): Record<string, string> {
  const errors = problemOf(error)?.errors
  const out: Record<string, string> = {}
  if (errors) for (const [field, messages] of Object.entries(errors)) if (messages.length) out[field] = messages[0]!
  return out
}

/** A sentence a person can act on: the API's detail or validation messages, else a status-based fallback. */
export function humanMessage(error: unknown, t: Translate): string {
  if (error instanceof ApiError && error.status === undefined) return t('errors.network')
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
