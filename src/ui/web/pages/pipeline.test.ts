import { describe, expect, it } from 'vitest'
import { deadLetterSplit, rangeLinks } from './pipeline.js'

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

describe('pipeline page: rejected records and orphan-label notices apart', () => {
  const count = (code: string, n: number) => ({ topic: code === 'DW_ORPHAN_LABEL' ? 'ground-truth' : 'predictions', code, model: '', count: n, first_at: '', last_at: '' })
  it('an orphan-label notice is a stored label, not a rejection: left out of the rejected count and its share', () => {
    // 3 rejected, 5 notices among 100 stored records (the orphan labels are stored).
    const r = { total: 8, notices: 5, stored: 100, counts: [count('DW_ORPHAN_LABEL', 5), count('DW_DECODE_NOT_AVRO', 3)] }
    expect(deadLetterSplit(r)).toEqual({ rejected: 3, notices: 5, share: 3 / 103 })
  })
  it('from the counts when the server sends no notices field', () => {
    expect(deadLetterSplit({ total: 4, stored: 0, counts: [count('DW_ORPHAN_LABEL', 1), count('DW_NON_FINITE_NUMBER', 3)] })).toEqual({ rejected: 3, notices: 1, share: 1 })
    expect(deadLetterSplit({ total: 0, stored: 0, counts: [] })).toEqual({ rejected: 0, notices: 0, share: null })
  })
})
