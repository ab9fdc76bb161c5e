/**
 * Which of the due windows one evaluator pass evaluates (./evaluator.ts), so that one model with a
 * long backlog (a replay, a recompute of months, a model back after an outage) delays neither the
 * other models' windows nor the alert pass that runs after each pass.
 *
 * - At most `evaluation.maxWindowsPerPass` windows per pass; the rest stay due (./due.ts,
 *   recordableScan) and the evaluator runs the next pass at once while any are left.
 * - Round robin over the series, a series being one (model, version): the first due window of each
 *   series, then the second of each, and so on, until the bound. Each round starts with the series
 *   after the one that took the last place of the previous pass (series ordered by key), so with
 *   more series than places every series gets its turn.
 * - Within a series the order of `due` is kept and a pass takes a prefix of it (oldest window first,
 *   as scanDue sorts them): a window is evaluated after the earlier windows of its series that are
 *   due with it, as when one pass took them all. A window's rolling reference (its previous
 *   windows, ./reference-marks.ts) and its detectors' state (./detector-run.ts) come from those.
 *
 * Pure.
 */
import type { DueWindow } from './due.js'
import type { TickReport } from './evaluator.js'

export interface PassPlan {
  /** The windows this pass evaluates, in the order to evaluate them. */
  readonly selected: DueWindow[]
  /** Due windows left to the next pass: the tail of each series beyond what `selected` took. */
  readonly deferred: DueWindow[]
  /** The series of the last window selected (null: none): the next pass's round robin starts after it. */
  readonly lastSeries: string | null
}

/** A series: one model version. */
export const seriesKey = (w: Pick<DueWindow, 'modelId' | 'modelVersion'>) => `${w.modelId}\u0000${w.modelVersion}`

/**
 * Splits `due` into the windows of this pass (at most `maxWindows`) and those left to the next,
 * round robin over the series from the one after `afterSeries`.
 */
export function planPass(due: readonly DueWindow[], maxWindows: number, afterSeries: string | null = null): PassPlan {
  if (!Number.isInteger(maxWindows) || maxWindows < 1) throw new RangeError(`maxWindows must be a positive integer, got ${maxWindows}`)
  const series = new Map<string, DueWindow[]>()
  for (const w of due) {
    const key = seriesKey(w)
    const list = series.get(key)
    if (list) list.push(w)
    else series.set(key, [w])
  }
  // Code-unit order, not locale order: the rotation must not depend on the host's locale.
  const keys = [...series.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  const first = afterSeries === null ? 0 : Math.max(0, keys.findIndex((k) => k > afterSeries))
  const order = [...keys.slice(first), ...keys.slice(0, first)].map((k) => ({ key: k, windows: series.get(k)! }))
  const selected: DueWindow[] = []
  const taken = new Map<string, number>()
  let lastSeries: string | null = null
  for (let round = 0; selected.length < maxWindows; round++) {
    let any = false
    for (const { key, windows } of order) {
      if (selected.length === maxWindows) break
      const w = windows[round]
      if (w === undefined) continue
      selected.push(w)
      taken.set(key, round + 1)
      lastSeries = key
      any = true
    }
    if (!any) break
  }
  const deferred = keys.flatMap((k) => series.get(k)!.slice(taken.get(k) ?? 0))
  return { selected, deferred, lastSeries }
}

/**
 * The report of two passes in a row: windows evaluated, failed, kept and orphans swept add up;
 * what is still waiting, deferred or not reached is the later pass's.
 */
export function addReports(earlier: TickReport, later: TickReport): TickReport {
  return {
    evaluated: earlier.evaluated + later.evaluated,
    failed: earlier.failed + later.failed,
    waiting: later.waiting,
    orphans: earlier.orphans + later.orphans,
    expired: earlier.expired + later.expired,
    deferred: later.deferred ?? 0,
    ...(later.notReached === undefined ? {} : { notReached: later.notReached }),
  }
}
