/**
 * The stream side of the prediction <-> label join. It routes stored events to the windows they
 * change and records those windows as marks for the evaluator, after the events are durable:
 *
 * - a prediction marks its own window and enters the in-memory index;
 * - a label marks the window of its prediction, found in the index or, for a miss, by one
 *   batched ClickHouse lookup per batch (never one query per label), limited to predictions
 *   whose event time is within the join horizon before the label time;
 * - a label whose prediction is not there yet is held: it is stored in ground_truth, and the
 *   prediction's own mark re-evaluates its window when it arrives; if it never arrives, the
 *   evaluator's orphan sweep dead-letters the label (DW_ORPHAN_LABEL) after join.orphanAfter.
 * The actual pairing of labels with predictions happens in ClickHouse at evaluation (FINAL
 * tables, newest label_time wins), so replays and duplicates cannot double-count.
 */
import type { FileConfig } from '../config/file.js'
import { modelConfig } from '../config/file.js'
import type { GroundTruthEvent, PredictionEvent } from '../ingest/schemas.js'
import type { Store } from '../store/clickhouse.js'
import { insertRows } from '../store/insert.js'
import { clickhouseDateTime64 } from '../store/rows.js'
import { windowStart } from '../window/windows.js'
import { PredictionIndex, type JoinTarget } from './prediction-index.js'
import { lookupModelsById, lookupPredictions } from './lookup.js'
import { idConflicts } from './id-conflicts.js'
import type { DriftwatchError } from '../errors.js'

export interface MarkRow {
  model_id: string
  model_version: string
  window_start: string
  window_ms: number
  reason: string
}

const markKey = (m: MarkRow) => `${m.model_id}\u0000${m.model_version}\u0000${m.window_start}`

export interface JoinStats {
  readonly fromIndex: number
  readonly fromStore: number
  readonly pending: number
}

export class Joiner {
  readonly index: PredictionIndex

  constructor(
    private readonly store: Store,
    private readonly file: FileConfig,
  ) {
    this.index = new PredictionIndex(file.join.indexSize)
  }

  private mark(target: JoinTarget, reason: string): MarkRow {
    const window = modelConfig(this.file, target.modelId).window
    return {
      model_id: target.modelId,
      model_version: target.modelVersion,
      window_start: clickhouseDateTime64(windowStart(target.eventTimeMs, window)),
      window_ms: window,
      reason,
    }
  }

  /**
   * The id rule (id-conflicts.ts) for a batch of valid predictions, before they are stored: ids
   * in the in-memory index are answered from it (it holds only stored predictions), the others
   * by one ClickHouse lookup.
   */
  async screenPredictions(events: readonly PredictionEvent[]): Promise<(DriftwatchError | null)[]> {
    const misses = events.filter((e) => !this.index.get(e.prediction_id)).map((e) => e.prediction_id)
    const stored = await lookupModelsById(this.store, misses)
    return idConflicts(events, (id) => {
      const hit = this.index.get(id)
      return hit ? [hit.modelId] : (stored.get(id) ?? [])
    })
  }

  async onPredictions(events: readonly PredictionEvent[], token: string): Promise<void> {
    const marks = new Map<string, MarkRow>()
    for (const e of events) {
      const target = { modelId: e.model_id, modelVersion: e.model_version, eventTimeMs: e.event_time }
      this.index.add(e.prediction_id, target)
      const m = this.mark(target, 'predictions')
      marks.set(markKey(m), m)
    }
    await insertRows(this.store, 'window_marks', [...marks.values()], `marks:${token}`)
  }

  async onLabels(events: readonly GroundTruthEvent[], token: string): Promise<JoinStats> {
    const targets = new Map<string, JoinTarget>()
    const misses: GroundTruthEvent[] = []
    for (const e of events) {
      const hit = this.index.get(e.prediction_id)
      if (hit) targets.set(e.prediction_id, hit)
      else misses.push(e)
    }
    const found = await lookupPredictions(this.store, misses, this.file.join.horizon)
    for (const [id, target] of found) {
      targets.set(id, target)
      this.index.add(id, target)
    }
    const marks = new Map<string, MarkRow>()
    for (const target of targets.values()) {
      const m = this.mark(target, 'labels')
      marks.set(markKey(m), m)
    }
    await insertRows(this.store, 'window_marks', [...marks.values()], `marks:${token}`)
    return { fromIndex: events.length - misses.length, fromStore: found.size, pending: misses.length - found.size }
  }
}
