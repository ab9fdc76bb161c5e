import { describe, expect, it } from 'vitest'
import { redactedUrl } from './redact.js'

describe('redactedUrl', () => {
  it('hides a password in the user part or in a query parameter, and keeps the rest', () => {
    expect(redactedUrl('http://default:SuperSecretPw@ch.internal:8123')).toBe('http://default:***@ch.internal:8123/')
    expect(redactedUrl('https://ch.internal:8443/?user=u&password=hunter2&database=dw')).toBe('https://ch.internal:8443/?user=u&password=***&database=dw')
    expect(redactedUrl('http://ch.internal:8123')).toBe('http://ch.internal:8123/')
  })

  it('never echoes what does not parse', () => {
    expect(redactedUrl('not a url with secret')).toBe('(a URL that does not parse)')
  })
})
