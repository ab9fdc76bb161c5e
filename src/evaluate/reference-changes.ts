/**
 * Re-evaluation of the windows compared with a fixed reference period (`reference: { from, to }`)
 * or the newest baseline (`reference: { baseline: latest }`) when that reference changes after
 * they were evaluated: predictions or labels stored late in the period (an erasure too), or a
 * newer profile stored by `driftwatch baseline`. A change marks the model's windows evaluated so
 * far (all versions, reason 'reference'): for a period, those that start at or after its end;
 * for a baseline, every one. They are evaluated again against the reference as stored now. Windows never evaluated need
 * no mark: their first evaluation reads the reference as it is then.
 *
 * The reference's state is a time, kept per model in the cursor `reference:<model>`
 * (./cursor.ts): for a period, the newest data mark (./reference-marks.ts, DATA_MARK_REASONS) of
 * a window that overlaps it, any version; for a baseline, the newest profile_version (its
 * creation time in ms). The state newer than the cursor is a change whose dependents are not
 * marked yet. Each pass reads, per period model, the data marks newer than its cursor on
 * window_marks' primary key (marked_at, ...): when it finds none, the cursor moves up to the
 * newest mark the pass read less the scan's overlap (./due.ts), so the read stays as short as the
 * scan's; a found change moves it to the change once the dependents are marked. A model without a
 * cursor yet starts from the scan's own start, so windows evaluated before this was recorded are
 * not re-marked (`driftwatch recompute` evaluates them again); a baseline model's first reading
 * is taken as the state its windows used.
 *
 * Coalesced: one model's dependents are marked at most once per REFERENCE_COALESCE_MS of the
 * evaluator's clock, so labels that trickle into a reference period over days (a label delay of
 * weeks) re-evaluate the model's windows after the period once every 15 minutes, not every pass:
 * each marking re-evaluates every such window, so the interval bounds what trickling labels cost.
 * A change seen meanwhile stays newer than the
 * cursor, which does not move, and is marked by the first pass after the interval: the windows
 * are evaluated again eventually, after the last change as after the first. The cost is per pass
 * (two small queries, and the model's window_state rows when it changed), not per record.
 */
import type { FileConfig, ModelConfig } from '../config/file.js'
import type { Store } from '../store/clickhouse.js'
import { markWindows, type WindowRef } from '../store/mark-windows.js'
import { withDatabase } from '../store/query.js'
import { clickhouseDateTime64 } from '../store/rows.js'
import { advanceCursors, readCursors, type CursorName } from './cursor.js'
import { MARK_OVERLAP_MS, type DueScan } from './due.js'
import { DATA_MARK_REASONS } from './reference-marks.js'
import { minOf } from '../arrays.js'

/** The shortest time between two markings of one model's dependents. */
export const REFERENCE_COALESCE_MS = 15 * 60_000

const CURSOR_PREFIX = 'reference:'
const cursorName = (modelId: string): CursorName => `reference:${modelId}`

export interface ReferenceChanges {
  /** Models whose reference changed and whose dependents were marked in this pass: their cached references are stale. */
  readonly models: ReadonlySet<string>
  /** Marks written. */
  readonly marks: number
}

/** The newest data mark of a window overlapping each model's period, among the marks newer than the model's `since`. */
const periodMarksQuery =
  `SELECT model_id, toUnixTimestamp64Milli(max(marked_at)) AS s
   FROM {db}.window_marks
   WHERE marked_at > {floor:DateTime64(3, 'UTC')} AND model_id IN {models:Array(String)} AND reason IN {reasons:Array(String)}
     AND toUnixTimestamp64Milli(marked_at) > {since:Map(String, Int64)}[model_id]
     AND toUnixTimestamp64Milli(window_start) + toInt64(window_ms) > {from:Map(String, Int64)}[model_id]
     AND toUnixTimestamp64Milli(window_start) < {to:Map(String, Int64)}[model_id]
   GROUP BY model_id`

export class ReferenceChangeMarks {
  /** Per model, when this evaluator last marked its dependents (its clock). */
  private readonly markedAtMs = new Map<string, number>()

  constructor(private readonly store: Store, private readonly file: FileConfig) {}

  private async query<T>(sql: string, params: Record<string, unknown>): Promise<T[]> {
    return (await this.store.client.query({ query: withDatabase(sql, this.store.database), query_params: params, format: 'JSONEachRow' })).json<T>()
  }

  /** Finds the models whose fixed reference changed since its dependents were last marked, and marks them (coalesced). */
  async markDependents(scan: DueScan, nowMs: number, token: string): Promise<ReferenceChanges> {
    const periods = this.file.models.filter((m): m is ModelConfig & { reference: { from: number; to: number } } => 'from' in m.reference)
    const baselines = this.file.models.filter((m) => 'baseline' in m.reference && m.reference.baseline === 'latest')
    if (periods.length === 0 && baselines.length === 0) return { models: new Set(), marks: 0 }
    const cursors = await readCursors(this.store, CURSOR_PREFIX)
    const cursor = (modelId: string) => cursors.get(cursorName(modelId))
    const changed = new Map<string, number>() // per model, its reference's state, newer than its cursor
    const advance = new Map<CursorName, number>()

    if (periods.length > 0) {
      const scanSince = Math.max(0, scan.cursorMs - MARK_OVERLAP_MS)
      const since = Object.fromEntries(periods.map((m) => [m.id, cursor(m.id) ?? scanSince]))
      const rows = await this.query<{ model_id: string; s: string }>(periodMarksQuery, {
        floor: clickhouseDateTime64(minOf(Object.values(since))),
        models: periods.map((m) => m.id),
        reasons: [...DATA_MARK_REASONS],
        since,
        from: Object.fromEntries(periods.map((m) => [m.id, m.reference.from])),
        to: Object.fromEntries(periods.map((m) => [m.id, m.reference.to])),
      })
      const found = new Map(rows.map((r) => [r.model_id, Number(r.s)]))
      for (const m of periods) {
        const s = found.get(m.id)
        if (s !== undefined) changed.set(m.id, s)
        // None since the cursor up to what this pass read: later reads start near the scan's.
        else if (scan.marksReadUntilMs !== null && scan.marksReadUntilMs - MARK_OVERLAP_MS > (cursor(m.id) ?? Number.NEGATIVE_INFINITY)) {
          advance.set(cursorName(m.id), scan.marksReadUntilMs - MARK_OVERLAP_MS)
        }
      }
    }

    if (baselines.length > 0) {
      const rows = await this.query<{ model_id: string; v: string }>(
        'SELECT model_id, max(profile_version) AS v FROM {db}.reference_profiles WHERE model_id IN {models:Array(String)} GROUP BY model_id',
        { models: baselines.map((m) => m.id) },
      )
      const latest = new Map(rows.map((r) => [r.model_id, Number(r.v)]))
      for (const m of baselines) {
        const v = latest.get(m.id) ?? 0
        const c = cursor(m.id)
        if (c === undefined) advance.set(cursorName(m.id), v)
        else if (v > c) changed.set(m.id, v)
      }
    }

    // Coalesced: a model marked less than REFERENCE_COALESCE_MS ago waits, its cursor unmoved.
    const due = [...changed].filter(([m]) => nowMs - (this.markedAtMs.get(m) ?? Number.NEGATIVE_INFINITY) >= REFERENCE_COALESCE_MS)
    let marks = 0
    if (due.length > 0) {
      // A period's dependents are the windows from its end on: those inside it or before it are
      // evaluated as their own data comes (the period is still filling while its end is ahead,
      // and marking a live model's whole history every minute then would re-evaluate it for as
      // long). A baseline's are every window.
      const periodEnd = new Map(periods.map((m) => [m.id, m.reference.to]))
      const windows = await this.query<{ model_id: string; model_version: string; ws: string; window_ms: string }>(
        `SELECT model_id, model_version, toUnixTimestamp64Milli(window_start) AS ws, window_ms FROM {db}.window_state FINAL
         WHERE model_id IN {models:Array(String)} AND toUnixTimestamp64Milli(window_start) >= {from:Map(String, Int64)}[model_id]`,
        { models: due.map(([m]) => m), from: Object.fromEntries(due.map(([m]) => [m, periodEnd.get(m) ?? 0])) },
      )
      const refs: WindowRef[] = windows.map((r) => ({ modelId: r.model_id, modelVersion: r.model_version, startMs: Number(r.ws), windowMs: Number(r.window_ms) }))
      // The marks first: a crash before the cursor is written marks the windows again, harmlessly.
      if (refs.length > 0) marks = await markWindows(this.store, refs, 'reference', token)
      const withWindows = new Set(refs.map((w) => w.modelId))
      for (const [m, state] of due) {
        advance.set(cursorName(m), state)
        if (withWindows.has(m)) this.markedAtMs.set(m, nowMs)
      }
    }
    await advanceCursors(this.store, advance)
    return { models: new Set(due.map(([m]) => m)), marks }
  }
}
