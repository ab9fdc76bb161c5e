import { describe, expect, it } from 'vitest'
import type { DeadLetterReport } from '../read/index.js'
import { deadLetterLine } from './status-dead-letters.js'

const report = (counts: [string, number][], extra: Partial<DeadLetterReport> = {}): DeadLetterReport => ({
  from: '2026-11-20T10:00:00.000Z', to: '2026-11-21T10:00:00.000Z', stored: 0, counts_truncated: false, recent: [],
  total: counts.reduce((s, c) => s + c[1], 0),
  notices: counts.reduce((s, c) => s + (c[0] === 'DW_ORPHAN_LABEL' ? c[1] : 0), 0),
  counts: counts.map(([code, count]) => ({ topic: 'predictions', code, model: '', count, first_at: '2026-11-21T09:00:00.000Z', last_at: '2026-11-21T09:00:00.000Z' })),
  ...extra,
})

describe('the dead-letter line of driftwatch status', () => {
  it('says none when there is none', () => {
    expect(deadLetterLine(report([]))).toBe('dead letters (last 24 h): none')
  })

  it('sums codes over topics and models, largest first, with the share of records', () => {
    const r = report([['DW_DECODE_FAILED', 2], ['DW_DECODE_NOT_AVRO', 1], ['DW_DECODE_FAILED', 3], ['DW_NON_FINITE_NUMBER', 1], ['DW_UNKNOWN_MODEL', 1]], { stored: 92 })
    expect(deadLetterLine(r)).toBe('dead letters (last 24 h): 8 rejected (8.00% of records): DW_DECODE_FAILED 5, DW_DECODE_NOT_AVRO 1, DW_NON_FINITE_NUMBER 1, other 1; see GET /v1/dead-letters or the web UI\'s Pipeline page')
  })

  it('counts orphan-label notices apart from rejected records: their labels are stored', () => {
    // 5 orphan labels are among the 95 stored records; 3 records were rejected.
    const r = report([['DW_ORPHAN_LABEL', 2], ['DW_DECODE_NOT_AVRO', 1], ['DW_ORPHAN_LABEL', 3], ['DW_NON_FINITE_NUMBER', 2]], { stored: 97 })
    expect(deadLetterLine(r)).toBe(
      'dead letters (last 24 h): 3 rejected (3.00% of records): DW_NON_FINITE_NUMBER 2, DW_DECODE_NOT_AVRO 1; 5 DW_ORPHAN_LABEL (notices: stored labels with no stored prediction, counted once it is; not rejected); see GET /v1/dead-letters or the web UI\'s Pipeline page',
    )
  })

  it('says none rejected when every dead letter is an orphan-label notice', () => {
    expect(deadLetterLine(report([['DW_ORPHAN_LABEL', 4]], { stored: 10 }))).toBe(
      'dead letters (last 24 h): none rejected; 4 DW_ORPHAN_LABEL (notices: stored labels with no stored prediction, counted once it is; not rejected); see GET /v1/dead-letters or the web UI\'s Pipeline page',
    )
  })

  it('counts the groups left out of a truncated answer as other', () => {
    expect(deadLetterLine(report([['DW_DECODE_FAILED', 4]], { total: 10, counts_truncated: true }))).toContain(': DW_DECODE_FAILED 4, other 6;')
  })

  it('takes the notices the read API counted over every group, also those a truncated answer left out: not rejected "other"', () => {
    // 10 dead letters, 4 listed (rejected); of the 6 left out, 5 are orphan-label notices.
    const line = deadLetterLine(report([['DW_DECODE_FAILED', 4]], { total: 10, notices: 5, counts_truncated: true, stored: 95 }))
    expect(line).toContain('5 rejected (5.00% of records): DW_DECODE_FAILED 4, other 1;')
    expect(line).toContain('5 DW_ORPHAN_LABEL (notices')
  })
})
