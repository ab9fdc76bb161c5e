/**
 * `driftwatch report` on columns whose reference values are distinct in nearly every row: an
 * order id with one retried order (one id twice among 2,000) and an event timestamp with two
 * events in one second. Every current value of them is a new category, so they are id-like
 * (src/report/id-like.ts: most cells text, at least 95% of them distinct) and left out of the
 * inferred features: no drift of them in drift_share or a drift gate, no share of the outlier
 * score, and a note that says why with the column's counts. Through the ClickHouse engine
 * (src/cli/report-files.ts, run in this process) and the in-memory csv-parse path, which print
 * the same report. A column whose every value is distinct keeps its note; a model file that
 * lists the column as a feature keeps it.
 */
import { describe, expect, it } from 'vitest'
import { inputFiles, reportOf, reportOnBothPaths as report } from './support/report-run.js'
import type { ReportJson } from '../src/report/index.js'

const write = inputFiles('dw-report-id-columns-')
const file = (lines: readonly string[], ext = 'csv') => write(`${lines.join('\n')}\n`, ext)

const N = 2000
/** A UUID-shaped order id, distinct for every i below 2^32. */
const uuid = (i: number) => {
  const h = (Math.imul(i + 1, 2654435761) >>> 0).toString(16).padStart(8, '0')
  return `${h}-${(i % 65536).toString(16).padStart(4, '0')}-4000-8000-${i.toString(16).padStart(12, '0')}`
}
/** An event time every 17 seconds from `start` (ms). */
const time = (start: number, i: number) => new Date(start + i * 17_000).toISOString().replace('T', ' ').slice(0, 19)
const JANUARY = Date.UTC(2024, 0, 1)
const FEBRUARY = Date.UTC(2024, 1, 1)
// The same values in both files (in another order): no drift of x.
const x = (i: number) => ((((i * 7919) % N) - N / 2) / N).toFixed(4)
const xCurrent = (i: number) => x((i * 13) % N)

/** Rows of order_id, event_time, x; `repeat`: the last row repeats the first row's id and time. */
function rows(id: (i: number) => string, at: (i: number) => string, value: (i: number) => string, repeat: boolean): string[] {
  return ['order_id,event_time,x', ...Array.from({ length: N }, (_, i) => `${id(repeat && i === N - 1 ? 0 : i)},${at(repeat && i === N - 1 ? 0 : i)},${value(i)}`)]
}

const outlierRate = (json: ReportJson) => (json.quality as { outliers: { current: { outlier_rate: number } } }).outliers.current.outlier_rate

describe('an order id and an event time with one value repeated in 2,000 reference rows', async () => {
  const reference = file(rows(uuid, (i) => time(JANUARY, i), x, true))
  const current = file(rows((i) => uuid(i + N), (i) => time(FEBRUARY, i), xCurrent, false))
  const { code, json, err } = await report({ reference, current, failOn: 'drift_share>0.3' })

  it('are left out of the features: drift_share 0 over x alone, and the drift_share gate passes', () => {
    expect(Object.keys(json.features)).toEqual(['x'])
    expect(json.dataset['left_out_as_id']).toEqual(['event_time', 'order_id'])
    expect(json.dataset.drift_share).toBe(0)
    expect(json.dataset.drifted_features).toBe(0)
    expect(code).toBe(0)
    expect(err).toContain('gate drift_share > 0.3: value 0 (2 of 3 features not evaluated: looks like an id) -> passed')
  })

  it('take no share of the outlier score and have no new-category rate', () => {
    const quality = json.quality as { features: Record<string, unknown> }
    expect(Object.keys(quality.features)).toEqual(['x'])
    expect(outlierRate(json)).toBeLessThan(0.25)
  })

  it('are named in a note with their distinct values and cells', () => {
    for (const name of ['order_id', 'event_time']) {
      expect(json.notes).toContain(
        `column "${name}" looks like an id (1,999 distinct values in its 2,000 non-missing reference cells, at least 95% distinct: an identifier, a timestamp or free text, whose values are nearly all new categories in the current file): left out of the features (--config features: to keep it)`,
      )
    }
    expect(json.notes.some((n) => n.includes('has many categories'))).toBe(false)
  })

  it('the text and HTML reports carry the note', async () => {
    const text = await reportOf({ reference, current, format: 'text' }, false)
    expect(text.out).toContain('column "event_time" looks like an id (1,999 distinct values')
    expect(text.out).toContain('2 of 3 not evaluated: looks like an id')
    const html = await reportOf({ reference, current, format: 'html' }, true)
    expect(html.out).toContain('column &quot;order_id&quot; looks like an id (1,999 distinct values')
  })

  it('a model file that lists them as features keeps them, compared by category', async () => {
    const config = file(['features: { order_id: categorical, event_time: categorical, x: numerical }'], 'yaml')
    const kept = await report({ reference, current, config, failOn: 'drift_share>0.3' })
    expect(Object.keys(kept.json.features).sort()).toEqual(['event_time', 'order_id', 'x'])
    expect(kept.json.dataset['left_out_as_id']).toBeUndefined()
    expect(kept.json.features['order_id']?.drift_detected).toBe(true)
    expect(kept.code).toBe(3)
  })
})

describe('an order id whose every reference value is distinct', async () => {
  const reference = file(rows(uuid, (i) => time(JANUARY, i), x, false))
  const current = file(rows((i) => uuid(i + N), (i) => time(FEBRUARY, i), xCurrent, false))
  const { code, json } = await report({ reference, current, failOn: 'drift_share>0.3' })

  it('is left out as before, with its note', () => {
    expect(code).toBe(0)
    expect(json.dataset['left_out_as_id']).toEqual(['event_time', 'order_id'])
    expect(json.notes).toContain('column "order_id" looks like an id (every reference value distinct): left out of the features (--config features: to keep it)')
  })
})

describe('a text column with fewer than 95% of its reference cells distinct', async () => {
  // 1,800 distinct codes in 2,000 rows (90%): a categorical feature, with the note on many categories.
  const code = (i: number) => `c${i % 1800}`
  const reference = file(rows(code, (i) => time(JANUARY, i % 1800), x, false))
  const current = file(rows(code, (i) => time(JANUARY, i % 1800), xCurrent, false))
  const { json } = await report({ reference, current })

  it('stays a feature', () => {
    expect(Object.keys(json.features).sort()).toEqual(['event_time', 'order_id', 'x'])
    expect(json.dataset['left_out_as_id']).toBeUndefined()
    expect(json.notes.some((n) => n.startsWith('feature "order_id" has many categories'))).toBe(true)
  })
})
