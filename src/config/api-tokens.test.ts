import { describe, expect, it } from 'vitest'
import { loadApiTokens } from './api-tokens.js'

describe('loadApiTokens', () => {
  it('never shows an entry written the other way round (token:role), where the part before ":" is the token', () => {
    const token = 's3cr3tT0kenValue1234567'
    const { tokens, problems } = loadApiTokens(`${token}:read,read:${'r'.repeat(20)}`, undefined)
    expect(tokens).toHaveLength(1)
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatch(/^DRIFTWATCH_API_TOKENS\.0: .*not a role.*write role:token/)
    expect(problems.join('\n')).not.toContain(token.slice(0, 8))
  })
})
