import { describe, expect, it } from 'vitest'
import { MARK_OVERLAP_MS, recordableScan, type DueScan, type DueWindow } from './due.js'
import { addReports, planPass, seriesKey } from './pass-plan.js'

const HOUR = 3_600_000
const T0 = 1_700_000_000_000 - (1_700_000_000_000 % HOUR)

const win = (modelId: string, i: number, o: Partial<DueWindow> = {}): DueWindow => ({
  modelId, modelVersion: 'v1', startMs: T0 + i * HOUR, windowMs: HOUR, lastMarkMs: T0 + 100 * HOUR + i, closed: true, closing: false, ...o,
})
/** `n` due windows of `modelId`, oldest first, as scanDue sorts them. */
const series = (modelId: string, n: number, o: Partial<DueWindow> = {}) => Array.from({ length: n }, (_, i) => win(modelId, i, o))
const name = (w: DueWindow) => `${w.modelId}${(w.startMs - T0) / HOUR}`

describe('planPass: the windows of one evaluator pass', () => {
  it('with one model 40 windows behind, a pass of 5 evaluates the other models\' windows first, then that model\'s oldest', () => {
    const due = [...series('big', 40), ...series('multiclass', 1), ...series('small', 2)]
    const plan = planPass(due, 5)
    expect(plan.selected.map(name)).toEqual(['big0', 'multiclass0', 'small0', 'big1', 'small1'])
    expect(plan.deferred.map(name)).toEqual(series('big', 40).slice(2).map(name))
  })

  it('takes a prefix of each series in its own order: a window comes after the earlier due windows of its model version', () => {
    const due = [...series('a', 6), ...series('a', 3, { modelVersion: 'v2' }), ...series('b', 4)]
    const plan = planPass(due, 7)
    for (const key of new Set(due.map(seriesKey))) {
      const all = due.filter((w) => seriesKey(w) === key)
      const taken = plan.selected.filter((w) => seriesKey(w) === key)
      expect(taken).toEqual(all.slice(0, taken.length))
      expect(plan.deferred.filter((w) => seriesKey(w) === key)).toEqual(all.slice(taken.length))
    }
    // Round robin over (model, version): one of each, then the second of each.
    expect(plan.selected.map((w) => `${name(w)}${w.modelVersion}`)).toEqual(['a0v1', 'a0v2', 'b0v1', 'a1v1', 'a1v2', 'b1v1', 'a2v1'])
  })

  it('starts each pass after the series that took the last place of the previous one, so no series waits behind the bound', () => {
    const models = ['m1', 'm2', 'm3', 'm4', 'm5']
    let due = models.flatMap((m) => series(m, 10))
    let after: string | null = null
    const firstPass: string[][] = []
    for (let pass = 0; pass < 3; pass++) {
      const plan = planPass(due, 2, after)
      firstPass.push(plan.selected.map((w) => w.modelId))
      after = plan.lastSeries
      due = plan.deferred
    }
    expect(firstPass).toEqual([['m1', 'm2'], ['m3', 'm4'], ['m5', 'm1']])
  })

  it('evaluates every due window exactly once over the passes that follow each other, none skipped', () => {
    const all = [...series('big', 40), ...series('other', 3), ...series('other', 2, { modelVersion: 'v2' })]
    let due = all
    let after: string | null = null
    const evaluated: DueWindow[] = []
    let passes = 0
    while (due.length > 0) {
      const plan = planPass(due, 4, after)
      expect(plan.selected.length).toBe(Math.min(4, due.length))
      evaluated.push(...plan.selected)
      after = plan.lastSeries
      due = plan.deferred
      passes++
    }
    expect(passes).toBe(Math.ceil(all.length / 4))
    expect(new Set(evaluated.map((w) => `${seriesKey(w)}|${w.startMs}`)).size).toBe(all.length)
    expect(evaluated).toHaveLength(all.length)
  })

  it('takes everything when the bound is not reached, and nothing from an empty list', () => {
    const due = [...series('a', 2), ...series('b', 1)]
    expect(planPass(due, 50)).toEqual({ selected: [due[0], due[2], due[1]], deferred: [], lastSeries: seriesKey(due[1]!) })
    expect(planPass([], 3, 'a')).toEqual({ selected: [], deferred: [], lastSeries: null })
  })

  it('refuses a bound that is not a positive whole number', () => {
    expect(() => planPass([], 0)).toThrow(RangeError)
    expect(() => planPass([], 1.5)).toThrow(RangeError)
  })
})

describe('recordableScan: the cursors a pass that left windows due records', () => {
  const scan: DueScan = {
    due: [], marksReadUntilMs: T0 + 200 * HOUR, cursorMs: T0 + 150 * HOUR, rewrittenModels: new Set(),
    watermarks: new Map([['big', T0 + 300 * HOUR], ['other', T0 + 300 * HOUR]]),
  }

  it('is the scan itself when nothing is left', () => {
    expect(recordableScan(scan, [])).toBe(scan)
  })

  it('holds the mark cursor at the newest mark of the oldest-marked window left, so the next scan reads that mark again', () => {
    const left = [win('big', 3, { lastMarkMs: T0 + 180 * HOUR }), win('big', 4, { lastMarkMs: T0 + 170 * HOUR })]
    const recorded = recordableScan(scan, left)
    expect(recorded.marksReadUntilMs).toBe(T0 + 170 * HOUR)
    // The next scan reads marks newer than the cursor less the overlap.
    expect(recorded.marksReadUntilMs! - MARK_OVERLAP_MS).toBeLessThan(Math.min(...left.map((w) => w.lastMarkMs)))
    expect(recorded.watermarks).toEqual(scan.watermarks) // none of them closes in this pass
  })

  it('ignores the old evaluated mark of a window found only because it closes, and holds that model\'s watermark at the window\'s start instead', () => {
    const closingOnly = win('big', 7, { lastMarkMs: T0 + 10 * HOUR, closing: true })
    const recorded = recordableScan(scan, [closingOnly, win('big', 9, { closing: true, lastMarkMs: T0 + 11 * HOUR })])
    expect(recorded.marksReadUntilMs).toBe(scan.marksReadUntilMs)
    expect(recorded.watermarks.get('big')).toBe(closingOnly.startMs)
    expect(recorded.watermarks.get('other')).toBe(T0 + 300 * HOUR)
    // The next scan's closing range starts after the recorded watermark less the window: it holds the window.
    expect(recorded.watermarks.get('big')! - HOUR + 1).toBeLessThanOrEqual(closingOnly.startMs)
  })
})

describe('addReports', () => {
  it('adds what the passes did and keeps what the later one left', () => {
    const a = { evaluated: 5, failed: 1, waiting: 2, orphans: 3, expired: 1, deferred: 40 }
    const b = { evaluated: 4, failed: 0, waiting: 1, orphans: 0, expired: 0, deferred: 0 }
    expect(addReports(a, b)).toEqual({ evaluated: 9, failed: 1, waiting: 1, orphans: 3, expired: 1, deferred: 0 })
  })
})
