/**
 * The dead-letter line of `driftwatch status`: how many records were dead-lettered in the last
 * 24 hours (the read API's default range), the largest codes, and where to look. Read through the
 * same queries as the rest of status (src/read/dead-letters.ts), from the store or the running
 * instance's API. Apart from status-format.ts so each can change on its own.
 *
 * DW_ORPHAN_LABEL is counted apart: the evaluator writes it for a label that is stored (and counts
 * once its prediction is stored), so it is a notice, not a rejected record (docs/events.md, "Dead
 * letters"). The share is of rejected records among all records: rejected / (rejected + stored),
 * where stored holds the orphan labels themselves. The notices are the read API's `notices`, exact
 * over every group; the rejected records of groups a truncated answer left out are counted as
 * "other" (their codes are unknown).
 */
import type { DeadLetterReport, ReadQueries } from '../read/index.js'
import { ORPHAN_NOTICE } from '../read/dead-letters.js'

/** Codes named on the line; the rest are summed as "other". */
const SHOWN_CODES = 3

export const deadLetterStatus = (read: Pick<ReadQueries, 'deadLetters'>): Promise<DeadLetterReport> => read.deadLetters({ limit: 1 })


export function deadLetterLine(r: DeadLetterReport): string {
  if (r.total === 0) return 'dead letters (last 24 h): none'
  const byCode = new Map<string, number>()
  for (const c of r.counts) byCode.set(c.code, (byCode.get(c.code) ?? 0) + c.count)
  // The read API counts the notices over every group, those a truncated answer leaves out too.
  const orphans = r.notices
  const listedOrphans = byCode.get(ORPHAN_NOTICE) ?? 0
  byCode.delete(ORPHAN_NOTICE)
  const rejected = r.total - orphans
  const codes = [...byCode].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
  const shown = codes.slice(0, SHOWN_CODES).map(([code, n]) => `${code} ${n}`)
  const listedRejected = r.counts.reduce((s, c) => s + c.count, 0) - listedOrphans
  const other = codes.slice(SHOWN_CODES).reduce((s, [, n]) => s + n, 0) + (r.counts_truncated ? rejected - listedRejected : 0)
  const share = rejected + r.stored > 0 ? ` (${((100 * rejected) / (rejected + r.stored)).toFixed(2)}% of records)` : ''
  const parts = [rejected === 0 ? 'none rejected' : `${rejected} rejected${share}: ${[...shown, ...(other > 0 ? [`other ${other}`] : [])].join(', ')}`]
  if (orphans > 0) parts.push(`${orphans} ${ORPHAN_NOTICE} (notices: stored labels with no stored prediction, counted once it is; not rejected)`)
  return `dead letters (last 24 h): ${parts.join('; ')}; see GET /v1/dead-letters or the web UI's Pipeline page`
}
