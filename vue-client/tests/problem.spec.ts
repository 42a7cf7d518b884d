import { describe, expect, it } from 'vitest'
import { ApiError, fieldErrors, humanMessage, type Problem } from '@/api/problem'
import { i18n } from '@/i18n'

const t = (key: string, values?: Record<string, unknown>) => i18n.global.t(key, values ?? {})

function problem(status: number, data: Problem) {
  return new ApiError(status, data)
}

describe('problem details as human messages', () => {
  it('shows validation messages per field', () => {
    const e = problem(400, { title: 'One or more validation errors occurred.', errors: { account: ['Account must be an e-mail.'], password: ['Too short.'] } })
    expect(fieldErrors(e)).toEqual({ account: 'Account must be an e-mail.', password: 'Too short.' })
    expect(humanMessage(e, t)).toBe('Account must be an e-mail. Too short.')
  })

  it('prefers the detail over the title', () => {
    expect(humanMessage(problem(409, { title: 'Conflict', detail: 'That account is already registered.' }), t)).toBe('That account is already registered.')
  })

  it('falls back to a translated sentence by status', () => {
    expect(humanMessage(problem(429, {}), t)).toBe('操作太频繁，请稍后再试。')
  })

  it('says so when the network is down', () => {
    const e = new ApiError(undefined, null, 'Failed to fetch')
    expect(humanMessage(e, t)).toBe('网络连接失败，请检查网络后重试。')
  })
})
