import { describe, expect, it } from 'vitest'
import { rangeLinks } from './pipeline.js'

describe('pipeline page: range links', () => {
  it('"last hour" is the hour up to now, also from a past period (a dlq-rate alert link), and says so; other filters stay', () => {
    const now = Date.parse('2026-12-01T12:00:00.000Z')
    const links = rangeLinks({ from: '2026-10-01T00:00:00.000Z', to: '2026-10-01T01:00:00.000Z', topic: 'predictions', code: undefined, model: undefined }, now)
    expect(links.map((l) => l.label)).toEqual(['last hour (until now)', 'last 24 h (until now)', 'last 7 days (until now)', 'last 30 days (until now)'])
    const query = (href: string) => Object.fromEntries(new URLSearchParams(href.split('?')[1]))
    expect(query(links[0]!.href)).toEqual({ from: '2026-12-01T11:00:00.000Z', topic: 'predictions' })
    expect(query(links[3]!.href)).toEqual({ from: '2026-11-01T12:00:00.000Z', topic: 'predictions' })
  })
})
