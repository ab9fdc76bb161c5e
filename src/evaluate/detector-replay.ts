/**
 * Detector state as a function of the stored, joined data in event order. Pure:
 * ./detector-run.ts loads the records, checkpoints and window inputs and stores what this returns.
 *
 * A checkpoint is a detector's record after one fed window, with the concept drift row the window
 * got and a digest of the inputs fed (count and xor of 64-bit hashes of (prediction_id, event time,
 * error), split in two 32-bit halves so JS numbers hold them exactly). When a closed window is
 * evaluated, each detector either
 *   append  feeds it (the window starts at or after the end of the last window fed),
 *   reuse   keeps the window's checkpoint (same digest: the inputs the detector saw are the ones
 *           stored now; its row is the window's concept row again), or
 *   replay  restarts from the checkpoint before the window (the greatest window end <= its start;
 *           none: an empty detector before the first stored input) and feeds every window from
 *           there up to the end of the last window fed, in event order. The result is exactly the
 *           detector fed the whole stored stream in event order (River's contract; the late-label
 *           fixture in scripts/reference/detectors_late.py checks it).
 * A replay rewrites the checkpoint of every window it feeds; the other windows whose concept row
 * changed are returned as marks, so the evaluator re-evaluates them (their rows then come from
 * the new checkpoints, under their own new version).
 *
 * Frozen windows: a window whose checkpoint counted inputs but whose predictions have all expired
 * since (retention.raw; ./detector-run.ts finds them) cannot be fed again. Fed as empty, it would
 * rewrite its checkpoint and row from nothing and carry a detector that never saw its inputs into
 * every later window. So a replay keeps its stored checkpoint as it is and resumes each detector
 * from that checkpoint's record: the stored history up to there stands, and is not marked. (A
 * window erased on purpose is fed empty by its own evaluation, which its erasure mark brings.)
 */
import type { DriftRow } from './drift-rows.js'
import { feedDetector, type DetectorName, type DetectorRecord, type ErrorEvent } from './detectors.js'
import { maxOf, minOf } from '../arrays.js'

/** A window's joined inputs in event order and their digest. */
export interface WindowInputs {
  readonly startMs: number
  readonly endMs: number
  readonly errors: readonly ErrorEvent[]
  readonly digest: string
}

export interface Checkpoint {
  readonly detector: DetectorName
  readonly startMs: number
  readonly endMs: number
  readonly digest: string
  readonly record: DetectorRecord
  readonly row: DriftRow
}

/** Digest of a window's inputs from their hash halves: `count:hiXor:loXor` (hex). */
export function inputDigest(hashes: Iterable<readonly [number, number]>): string {
  let [n, hi, lo] = [0, 0, 0]
  for (const [h, l] of hashes) {
    n += 1
    hi = (hi ^ h) >>> 0
    lo = (lo ^ l) >>> 0
  }
  return `${n}:${hi.toString(16)}:${lo.toString(16)}`
}

export type Plan = { readonly kind: 'append' } | { readonly kind: 'reuse'; readonly checkpoint: Checkpoint } | { readonly kind: 'replay' }

/** What evaluating the closed window starting at `startMs` does with one detector. */
export function planDetector(record: DetectorRecord | null, startMs: number, atEnd: Checkpoint | null, digest: string): Plan {
  if (record === null || startMs >= record.fedUntilMs) return { kind: 'append' }
  if (atEnd !== null && atEnd.digest === digest) return { kind: 'reuse', checkpoint: atEnd }
  return { kind: 'replay' }
}

/** JSON with NaN and ±Infinity kept (a detector's estimate is NaN before any input). */
export function encodeJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? { $num: String(v) } : v))
}

export function decodeJson<T>(text: string): T {
  return JSON.parse(text, (_k, v: unknown) => (v !== null && typeof v === 'object' && '$num' in v ? Number((v as { $num: string }).$num) : v)) as T
}

export interface ReplayStart {
  readonly detector: DetectorName
  /** The checkpoint to resume from: null = an empty detector. */
  readonly from: Checkpoint | null
  /** End of the last window the detector had been fed: the replay runs up to it. */
  readonly fedUntilMs: number
}

export interface ReplayResult {
  readonly checkpoints: Checkpoint[]
  readonly records: DetectorRecord[]
  /** Starts of fed windows whose concept row changed (or had none), other than the one excluded. */
  readonly changedWindows: number[]
}

/**
 * Replays several detectors over the same windows, fed one at a time in start order (so a
 * caller can read the stored windows one by one). A detector takes the windows that start at or
 * after its checkpoint's end and end by its fedUntilMs.
 */
export class Replay {
  private readonly current = new Map<DetectorName, DetectorRecord | null>()
  private readonly checkpoints: Checkpoint[] = []
  private readonly changed = new Set<number>()

  constructor(
    private readonly starts: readonly ReplayStart[],
    /** The stored checkpoints of the replayed range, to tell which windows' rows changed. */
    private readonly previous: ReadonlyMap<string, Checkpoint>,
    private readonly excludeStartMs: number | null,
    /** checkpointKeys of frozen windows: their stored checkpoint stands (see above). */
    private readonly frozen: ReadonlySet<string> = new Set(),
  ) {
    for (const s of starts) this.current.set(s.detector, s.from?.record ?? null)
  }

  /** Where the windows to feed start: the earliest checkpoint end (0 without one). */
  get fromMs(): number {
    return minOf(this.starts.map((s) => s.from?.endMs ?? 0))
  }

  get untilMs(): number {
    return maxOf(this.starts.map((s) => s.fedUntilMs))
  }

  feed(window: WindowInputs): void {
    for (const s of this.starts) {
      if (window.startMs < (s.from?.endMs ?? 0) || window.endMs > s.fedUntilMs) continue
      const key = checkpointKey(s.detector, window.endMs)
      const kept = this.frozen.has(key) ? this.previous.get(key) : undefined
      if (kept) {
        this.current.set(s.detector, kept.record)
        continue
      }
      const step = feedDetector(s.detector, this.current.get(s.detector) ?? null, window.errors, window.endMs)
      this.current.set(s.detector, step.record)
      const checkpoint: Checkpoint = { detector: s.detector, startMs: window.startMs, endMs: window.endMs, digest: window.digest, record: step.record, row: step.row }
      this.checkpoints.push(checkpoint)
      const old = this.previous.get(checkpointKey(s.detector, window.endMs))
      if (window.startMs !== this.excludeStartMs && (!old || encodeJson(old.row) !== encodeJson(step.row))) this.changed.add(window.startMs)
    }
  }

  result(): ReplayResult {
    const records: DetectorRecord[] = []
    for (const s of this.starts) {
      // Nothing left to feed (every input erased): an empty detector.
      const r = this.current.get(s.detector) ?? feedDetector(s.detector, null, [], s.fedUntilMs).record
      // The record keeps its fed range even when the last fed window no longer has inputs stored.
      records.push(r.fedUntilMs >= s.fedUntilMs ? r : { ...r, fedUntilMs: s.fedUntilMs })
    }
    return { checkpoints: this.checkpoints, records, changedWindows: [...this.changed].sort((a, b) => a - b) }
  }
}

export const checkpointKey = (detector: string, endMs: number) => `${detector}\u0000${endMs}`

/** Whether a checkpoint's digest (`count:hi:lo`, inputDigest) counts any input. */
export const countedInputs = (digest: string) => Number(digest.split(':')[0]) > 0
