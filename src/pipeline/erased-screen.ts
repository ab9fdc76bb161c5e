/**
 * Ingest's screen of erased predictions: an event of a prediction that `driftwatch erase` deleted
 * is not stored again when a topic is read again. Kafka keeps the original events until the
 * topic's retention, and a consumer reads them again whenever its group has no committed offsets
 * (the consumer subscribes from the earliest offset): the broker deletes an idle group's offsets
 * after `offsets.retention.minutes` (7 days by default), and an operator's reset or a new
 * KAFKA_GROUP_ID does the same. Without the screen the replay would store the subject again.
 *
 * What is screened, from the record erase leaves (src/store/erased-ids.ts), the same rows erase
 * deleted (src/store/erase-rule.ts):
 *   predictions   (model_id, prediction_id) erased
 *   labels        prediction_id whose labels were erased
 *   dead letters  keyed (raw Kafka key, the prediction_id) by an id whose labels were erased:
 *                 erase deleted them by that key, so a record of that id that fails to decode or
 *                 validate is not stored either
 * Such a record is neither stored nor dead-lettered: a dead letter holds the record's bytes, the
 * personal data erased. It is counted instead (`onSkipped`: a log line and a metric, with topic,
 * partition, offsets and the count, never an id). The screen's answer for an event is the marker
 * ErasedRecord, which goes down the dead-letter path of the event handler
 * (src/pipeline/event-handler.ts `screen`) and is dropped by the sink this screen wraps
 * (`deadLetters`), before any dead letter is written or counted as one.
 *
 * Cost: the first batch loads the whole record; later batches read only rows newer than the
 * newest read (less OVERLAP_MS), at most once per `reloadMs`, so an erase run by the CLI while
 * instances run reaches every instance within `reloadMs` (docs/operations.md). Nothing erased:
 * one size check per batch. Otherwise a Set lookup per event, and memory for the erased ids.
 */
import { DriftwatchError } from '../errors.js'
import type { DeadLetter } from '../ingest/dead-letter.js'
import type { ErasedRead } from '../store/erased-ids.js'
import type { DeadLetterSink } from './dead-letter-sink.js'

/** How often a running instance reads erasures made since its last read. */
export const ERASED_RELOAD_MS = 10_000
/** How far before the newest erased_at read rows are read again: inserts that commit late (a row is stamped by the server as it is parsed). */
export const ERASED_OVERLAP_MS = 5 * 60_000

/** The screen's answer for an event of an erased prediction; never written anywhere (see `deadLetters`). */
export class ErasedRecord extends DriftwatchError {
  constructor() {
    super('DW_VALIDATION_FAILED', 'the prediction_id was erased (driftwatch erase): not stored again')
    this.name = 'ErasedRecord'
  }
}
const ERASED = new ErasedRecord()

/** Records of erased predictions a batch did not store, as counted and logged: no ids. */
export interface SkippedRecords {
  readonly topic: string
  readonly partition: number
  readonly skipped: number
  readonly firstOffset: string
  readonly lastOffset: string
}

type Problems = readonly (DriftwatchError | null)[]
const NONE: Problems = Object.freeze([])
const predictionKey = (modelId: string, predictionId: string) => `${modelId}\u0000${predictionId}`

export class ErasedScreen {
  /** (model_id, prediction_id) of erased predictions. */
  private readonly predictions = new Set<string>()
  /** prediction_ids whose labels and dead letters were erased. */
  private readonly labels = new Set<string>()
  private newestMs: number | null = null
  private loadedAtMs = Number.NEGATIVE_INFINITY
  private loading: Promise<void> | null = null

  constructor(
    private readonly read: (sinceMs: number) => Promise<ErasedRead>,
    private readonly clock: () => number = Date.now,
    private readonly reloadMs = ERASED_RELOAD_MS,
  ) {}

  /** Erased ids known: predictions, and ids with their labels. */
  get size(): { readonly predictions: number; readonly labels: number } {
    return { predictions: this.predictions.size, labels: this.labels.size }
  }

  /**
   * The erased predictions of a batch get ErasedRecord; `rest` (the id rule) answers for the
   * others, and never sees the erased ones.
   */
  async screenPredictions<K extends { readonly model_id: string; readonly prediction_id: string }>(
    events: readonly K[],
    rest: (events: readonly K[]) => Promise<Problems>,
  ): Promise<Problems> {
    const loading = this.fresh()
    if (loading) await loading
    if (this.predictions.size === 0) return rest(events)
    const problems: (DriftwatchError | null)[] = []
    const kept: K[] = []
    const at: number[] = []
    for (const [i, e] of events.entries()) {
      const erased = this.predictions.has(predictionKey(e.model_id, e.prediction_id))
      problems.push(erased ? ERASED : null)
      if (!erased) kept.push(e), at.push(i)
    }
    if (kept.length === events.length) return rest(events)
    const answers = kept.length > 0 ? await rest(kept) : NONE
    for (const [j, i] of at.entries()) problems[i] = answers[j] ?? null
    return problems
  }

  /** ErasedRecord for the labels of erased predictions; nothing erased: no problems. */
  async screenLabels(events: readonly { readonly prediction_id: string }[]): Promise<Problems> {
    const loading = this.fresh()
    if (loading) await loading
    if (this.labels.size === 0) return NONE
    return events.map((e) => (this.labels.has(e.prediction_id) ? ERASED : null))
  }

  /** `sink` without the dead letters of erased predictions (see the header); `onSkipped` counts them once they are left out. */
  deadLetters(sink: DeadLetterSink, onSkipped: (s: SkippedRecords) => void): DeadLetterSink {
    return {
      write: async (deadLetters, dedupToken, options) => {
        const loading = this.fresh()
        if (loading) await loading
        const skipped: DeadLetter[] = []
        const kept = deadLetters.filter((d) => !(this.erased(d) && skipped.push(d)))
        await sink.write(skipped.length === 0 ? deadLetters : kept, dedupToken, options)
        // A write of rows only repeats one that was counted (as dead letters are: instrument-pipeline.ts).
        if (skipped.length === 0 || options?.rowsOnly) return
        const { topic, partition } = skipped[0]!.record
        onSkipped({ topic, partition, skipped: skipped.length, firstOffset: skipped[0]!.record.offset, lastOffset: skipped.at(-1)!.record.offset })
      },
    }
  }

  private erased(d: DeadLetter): boolean {
    if (d.error instanceof ErasedRecord) return true
    const key = d.record.key
    if (this.labels.size === 0 || !key) return false
    const id = key.toString('utf8')
    return this.labels.has(id) && Buffer.from(id, 'utf8').equals(key)
  }

  /** null when the sets are current (read within reloadMs); else the read under way, shared. */
  private fresh(): Promise<void> | null {
    if (this.clock() - this.loadedAtMs < this.reloadMs) return null
    return (this.loading ??= this.load().finally(() => (this.loading = null)))
  }

  private async load(): Promise<void> {
    const startedMs = this.clock()
    const read = await this.read(this.newestMs === null ? 0 : this.newestMs - ERASED_OVERLAP_MS)
    for (const r of read.rows) {
      this.predictions.add(predictionKey(r.modelId, r.predictionId))
      if (r.labelsErased) this.labels.add(r.predictionId)
    }
    if (read.newestMs !== null) this.newestMs = Math.max(this.newestMs ?? read.newestMs, read.newestMs)
    this.loadedAtMs = startedMs
  }
}
