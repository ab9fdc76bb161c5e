/**
 * Runs the streaming detectors (./detectors.ts) for a closed window: per detector, append (feed
 * the window), reuse (its checkpoint still matches the stored inputs) or replay from the
 * checkpoint before it (./detector-replay.ts). Returns the window's concept drift rows and what
 * to store: detector_state rows, checkpoints, and marks for the other windows whose concept rows
 * a replay changed. The caller stores the rows and states, then the marks, then the checkpoints,
 * then window_state (./write.ts): a crash before the checkpoints only means the replay runs again.
 * Regression models have no detectors (absolute errors are out of scope).
 *
 * `refeedDetectors` replays a model version's detectors from before a time regardless of
 * digests: `driftwatch recompute` uses it after a configuration change or a fix.
 */
import type { Store } from '../store/clickhouse.js'
import { windowsWithPredictions, type WindowRef } from '../store/mark-windows.js'
import { clickhouseDateTime64 } from '../store/rows.js'
import { checkpointKey, countedInputs, encodeJson, planDetector, Replay, type Checkpoint, type ReplayStart, type WindowInputs } from './detector-replay.js'
import { checkpointsBefore, loadCheckpoints, loadRecords, windowInputs, type DetectorTarget, type ErrorSpec } from './detector-store.js'
import { DETECTORS, feedDetector, type DetectorRecord } from './detectors.js'
import type { DriftRow } from './drift-rows.js'
import type { DueWindow } from './due.js'
import { pushAll } from '../arrays.js'

export type { ErrorSpec } from './detector-store.js'

export interface DetectorStateRow {
  model_id: string
  model_version: string
  detector: string
  state: string
  drift_detected: number
  detections: string[]
}

export interface CheckpointRow {
  model_id: string
  model_version: string
  detector: string
  window_start: string
  window_end: string
  digest: string
  state: string
  row: string
}

export interface DetectorRun {
  readonly rows: DriftRow[]
  readonly states: DetectorStateRow[]
  readonly checkpoints: CheckpointRow[]
  /** Windows to re-evaluate: a replay changed their concept rows. */
  readonly marks: WindowRef[]
}

const stateRow = (t: DetectorTarget, record: DetectorRecord): DetectorStateRow => ({
  model_id: t.modelId,
  model_version: t.modelVersion,
  detector: record.detector,
  state: JSON.stringify(record),
  drift_detected: record.driftInLastWindow ? 1 : 0,
  detections: record.detections.map(clickhouseDateTime64),
})

const checkpointRow = (t: DetectorTarget, c: Checkpoint): CheckpointRow => ({
  model_id: t.modelId,
  model_version: t.modelVersion,
  detector: c.detector,
  window_start: clickhouseDateTime64(c.startMs),
  window_end: clickhouseDateTime64(c.endMs),
  digest: c.digest,
  state: JSON.stringify(c.record),
  row: encodeJson(c.row),
})

/** Where the detectors' inputs and bookkeeping come from: ClickHouse (`storeSource`) or memory in unit tests. */
export interface DetectorSource {
  records(): Promise<Map<string, DetectorRecord>>
  inputs(startMs: number, endMs: number): Promise<WindowInputs>
  /** Checkpoints with window_end in [fromMs, toMs]. */
  checkpoints(fromMs: number, toMs: number): Promise<Checkpoint[]>
  /** Per detector, the checkpoint with the greatest window_end <= atMs. */
  checkpointsBefore(atMs: number): Promise<Map<string, Checkpoint>>
  /** Starts of the windows holding predictions in [fromMs, toMs). */
  windowsWithPredictions(fromMs: number, toMs: number): Promise<number[]>
}

export const storeSource = (store: Store, t: DetectorTarget): DetectorSource => ({
  records: () => loadRecords(store, t),
  inputs: (startMs, endMs) => windowInputs(store, t, startMs, endMs),
  checkpoints: (fromMs, toMs) => loadCheckpoints(store, t, fromMs, toMs),
  checkpointsBefore: (atMs) => checkpointsBefore(store, t, atMs),
  windowsWithPredictions: async (fromMs, toMs) =>
    (await windowsWithPredictions(store, { modelId: t.modelId, modelVersion: t.modelVersion, fromMs, toMs }, t.windowMs)).map((w) => w.startMs),
})

/**
 * Feeds the windows of a replay one at a time: the windows holding predictions in its range and
 * the windows with a stored checkpoint there (their inputs may all have been erased since).
 * A checkpoint that counted inputs, of a window old enough for its predictions to have expired
 * (DetectorTarget.expirableBeforeMs, ./expired-window.ts) with no prediction stored any more, is
 * frozen (./detector-replay.ts): its predictions expired (retention.raw), or were erased and the
 * window's own evaluation, which its erasure mark brings, feeds it empty. The window being
 * evaluated (`excludeStartMs`) is never frozen: reaching its detectors, it was erased.
 */
async function replay(source: DetectorSource, t: DetectorTarget, starts: readonly ReplayStart[], excludeStartMs: number | null, known?: WindowInputs) {
  const expirableBeforeMs = t.expirableBeforeMs ?? Number.NEGATIVE_INFINITY
  const probe = new Replay(starts, new Map(), null)
  const [fromMs, untilMs] = [probe.fromMs, probe.untilMs]
  const stored = await source.checkpoints(fromMs, untilMs)
  const windows = new Map<number, number>(stored.map((c) => [c.startMs, c.endMs]))
  const withPredictions = new Set(await source.windowsWithPredictions(fromMs, untilMs))
  for (const startMs of withPredictions) if (!windows.has(startMs)) windows.set(startMs, startMs + t.windowMs)
  const frozen = new Set(
    stored
      .filter((c) => c.startMs < expirableBeforeMs && !withPredictions.has(c.startMs) && c.startMs !== excludeStartMs && countedInputs(c.digest))
      .map((c) => checkpointKey(c.detector, c.endMs)),
  )
  const run = new Replay(starts, new Map(stored.map((c) => [checkpointKey(c.detector, c.endMs), c])), excludeStartMs, frozen)
  for (const [startMs, endMs] of [...windows].sort((a, b) => a[0] - b[0])) {
    run.feed(known && known.startMs === startMs && known.endMs === endMs ? known : await source.inputs(startMs, endMs))
  }
  return run.result()
}

const mark = (t: DetectorTarget, startMs: number): WindowRef => ({ modelId: t.modelId, modelVersion: t.modelVersion, startMs, windowMs: t.windowMs })

/** Concept rows and detector bookkeeping for a closed window; null for open windows and regression models. */
export async function runDetectors(store: Store, w: DueWindow, spec: ErrorSpec, expirableBeforeMs: number): Promise<DetectorRun | null> {
  if (!w.closed || spec.task === 'regression') return null
  const t: DetectorTarget = { modelId: w.modelId, modelVersion: w.modelVersion, windowMs: w.windowMs, spec, expirableBeforeMs }
  return detectorsForWindow(storeSource(store, t), t, w.startMs)
}

/** Replays every detector of a model version that has been fed, from the checkpoint before `fromMs`. */
export async function refeedDetectors(store: Store, t: DetectorTarget, fromMs: number): Promise<DetectorRun | null> {
  return t.spec.task === 'regression' ? null : refeedFrom(storeSource(store, t), t, fromMs)
}

/** The closed window starting at `startMs`: append, reuse or replay, per detector. */
export async function detectorsForWindow(src: DetectorSource, t: DetectorTarget, startMs: number): Promise<DetectorRun> {
  const endMs = startMs + t.windowMs
  const [records, current, atEnd] = await Promise.all([src.records(), src.inputs(startMs, endMs), src.checkpoints(endMs, endMs)])
  const out: DetectorRun = { rows: [], states: [], checkpoints: [], marks: [] }
  const replays: ReplayStart[] = []
  for (const d of DETECTORS) {
    const record = records.get(d) ?? null
    const plan = planDetector(record, startMs, atEnd.find((c) => c.detector === d && c.startMs === startMs) ?? null, current.digest)
    if (plan.kind === 'reuse') out.rows.push(plan.checkpoint.row)
    else if (plan.kind === 'append') {
      const step = feedDetector(d, record, current.errors, endMs)
      out.rows.push(step.row)
      out.states.push(stateRow(t, step.record))
      out.checkpoints.push(checkpointRow(t, { detector: d, startMs, endMs, digest: current.digest, record: step.record, row: step.row }))
    } else replays.push({ detector: d, from: null, fedUntilMs: record!.fedUntilMs })
  }
  if (replays.length === 0) return out
  const before = await src.checkpointsBefore(startMs)
  const result = await replay(src, t, replays.map((r) => ({ ...r, from: before.get(r.detector) ?? null })), startMs, current)
  pushAll(out.rows, result.checkpoints.filter((c) => c.startMs === startMs).map((c) => c.row))
  pushAll(out.states, result.records.map((r) => stateRow(t, r)))
  pushAll(out.checkpoints, result.checkpoints.map((c) => checkpointRow(t, c)))
  pushAll(out.marks, result.changedWindows.map((s) => mark(t, s)))
  return out
}

export async function refeedFrom(src: DetectorSource, t: DetectorTarget, fromMs: number): Promise<DetectorRun | null> {
  const records = await src.records()
  const fed = DETECTORS.filter((d) => (records.get(d)?.fedUntilMs ?? Number.NEGATIVE_INFINITY) > fromMs)
  if (fed.length === 0) return null
  const before = await src.checkpointsBefore(fromMs)
  const result = await replay(src, t, fed.map((d) => ({ detector: d, from: before.get(d) ?? null, fedUntilMs: records.get(d)!.fedUntilMs })), null)
  return {
    rows: [],
    states: result.records.map((r) => stateRow(t, r)),
    checkpoints: result.checkpoints.map((c) => checkpointRow(t, c)),
    marks: result.changedWindows.map((s) => mark(t, s)),
  }
}
