/**
 * The stream side of the prediction <-> label join. It routes stored events to the windows they
 * change and records those windows as marks for the evaluator, after the events are durable:
 *
 * - a prediction marks its own window and enters the in-memory index;
 * - a label marks the window of its prediction however old (the evaluator joins it regardless:
 *   docs/evaluation.md), found in the index or, for a miss, by batched ClickHouse lookups (never
 *   one query per label): first among predictions whose event time is within the join horizon
 *   before the label time, then, for the ids not found there, among the older ones (lookup.ts).
 *   One rule on both paths, so what a label counts for never depends on what this process holds;
 * - a label whose prediction is not there yet is held: it is stored in ground_truth, and the
 *   prediction's own mark re-evaluates its window when it arrives; if it never arrives, the
 *   evaluator's orphan sweep dead-letters the label (DW_ORPHAN_LABEL) after join.orphanAfter.
 * The actual pairing of labels with predictions happens in ClickHouse at evaluation (FINAL
 * tables, newest label_time wins), so replays and duplicates cannot double-count.
 *
 * The id rule (id-conflicts.ts) runs before a batch of predictions is stored. An id in the index
 * is answered from it; any other id is first tested against a filter of the stored ids
 * (id-filter.ts), and only those the filter may hold are looked up in ClickHouse. The filter is
 * loaded from the table and takes every prediction this process stores, once it is durable. It is
 * loaded again before the screen of any batch that may follow another writer of its partition:
 * the first after a start or a reassignment, a retry (the replay guard's batches,
 * src/pipeline/replay-guard.ts). Both topics are keyed by prediction_id, so only the owner of a
 * partition writes its ids, and the filter holds every stored use of the ids a batch can carry.
 * A producer that does not key by prediction_id can put one id in two partitions owned by two
 * instances: an id the other instance stored after this one's last load then escapes the rule
 * (without the filter, it escaped only when both were screened before either was stored).
 */
import type { FileConfig } from '../config/file.js'
import { modelConfig } from '../config/file.js'
import type { GroundTruthEvent, PredictionEvent } from '../ingest/schemas.js'
import type { Store } from '../store/clickhouse.js'
import { insertRows } from '../store/insert.js'
import { clickhouseDateTime64 } from '../store/rows.js'
import { windowStart } from '../window/windows.js'
import { PredictionIndex, type JoinTarget } from './prediction-index.js'
import { countStoredPredictions, loadStoredIdHashes, lookupModelsById, lookupOlderPredictions, lookupPredictions } from './lookup.js'
import { IdFilter } from './id-filter.js'
import { coalescing } from './coalesce.js'
import { idConflicts } from './id-conflicts.js'
import type { DriftwatchError } from '../errors.js'

export interface MarkRow {
  model_id: string
  model_version: string
  window_start: string
  window_ms: number
  reason: string
}

/** What the join needs of a stored prediction. */
export type PredictionKey = Pick<PredictionEvent, 'prediction_id' | 'model_id' | 'model_version' | 'event_time'>
/** What the join needs of a stored label. */
export type LabelKey = Pick<GroundTruthEvent, 'prediction_id' | 'label_time'>

export const predictionKey = (e: PredictionEvent): PredictionKey => ({ prediction_id: e.prediction_id, model_id: e.model_id, model_version: e.model_version, event_time: e.event_time })
export const labelKey = (e: GroundTruthEvent): LabelKey => ({ prediction_id: e.prediction_id, label_time: e.label_time })

export interface JoinStats {
  readonly fromIndex: number
  readonly fromStore: number
  readonly pending: number
}

const NO_MODELS: readonly string[] = Object.freeze([])
const NO_TARGETS: ReadonlyMap<string, JoinTarget> = new Map()
const NOTHING: ReadonlyMap<unknown, unknown> = new Map()

/**
 * One mark per distinct window of a batch's events. Consecutive events mostly fall in the window
 * of the one before, which is compared first; a key is built only for a window not seen last, and
 * the mark row (and its time text) once per window.
 */
export class WindowMarks {
  private readonly marks = new Map<string, MarkRow>()
  private readonly windows = new Map<string, number>()
  private lastModel: string | null = null
  private lastVersion = ''
  private lastStart = 0
  private lastWindow = 0

  constructor(
    private readonly reason: string,
    private readonly windowOf: (modelId: string) => number,
  ) {}

  add(modelId: string, modelVersion: string, eventTimeMs: number): void {
    const sameModel = modelId === this.lastModel
    let window = this.lastWindow
    if (!sameModel) {
      const known = this.windows.get(modelId)
      if (known === undefined) this.windows.set(modelId, (window = this.windowOf(modelId)))
      else window = known
    }
    const start = windowStart(eventTimeMs, window)
    if (sameModel && modelVersion === this.lastVersion && start === this.lastStart) return
    this.lastModel = modelId
    this.lastVersion = modelVersion
    this.lastStart = start
    this.lastWindow = window
    const key = `${modelId}\u0000${modelVersion}\u0000${start}`
    if (!this.marks.has(key)) this.marks.set(key, { model_id: modelId, model_version: modelVersion, window_start: clickhouseDateTime64(start), window_ms: window, reason: this.reason })
  }

  rows(): MarkRow[] {
    return [...this.marks.values()]
  }
}

/** How the id rule answered, since the start: ids from the index, from the filter, by lookup; filter loads. */
export interface ScreenStats {
  fromIndex: number
  fromFilter: number
  lookedUp: number
  loads: number
}

export interface JoinerOptions {
  /** The smallest id filter loaded (ids); a filter is made for twice the stored predictions. */
  readonly minIdFilterCapacity?: number
}

/** 2^18 ids: 640 KiB of filter. */
const MIN_ID_FILTER_CAPACITY = 1 << 18

export class Joiner {
  readonly index: PredictionIndex
  readonly screenStats: ScreenStats = { fromIndex: 0, fromFilter: 0, lookedUp: 0, loads: 0 }

  /** The stored ids (id-filter.ts); null until first loaded. */
  private ids: IdFilter | null = null
  /** A filter being loaded: the ids this process stores meanwhile go into it too. */
  private loadingIds: IdFilter | null = null
  /** Loads the filter again; a caller waits for a load that starts after its call (coalesce.ts). */
  private readonly reloadIds: () => Promise<unknown>
  private readonly minIdFilterCapacity: number
  /** A load started because the filter is full is under way. */
  private growing = false

  /** The stored models of prediction ids; batches handled at the same time share a query (coalesce.ts). */
  private readonly storedModels: (ids: readonly string[]) => Promise<ReadonlyMap<string, readonly string[]>>
  /** Stored predictions of labels, within the join horizon before the oldest label; shared likewise. */
  private readonly storedPredictions: (labels: readonly LabelKey[]) => Promise<ReadonlyMap<string, JoinTarget>>
  /** Stored predictions older than that, for the labels the first lookup did not find; shared likewise. */
  private readonly olderPredictions: (labels: readonly LabelKey[]) => Promise<ReadonlyMap<string, JoinTarget>>

  constructor(
    private readonly store: Store,
    private readonly file: FileConfig,
    options: JoinerOptions = {},
  ) {
    this.index = new PredictionIndex(file.join.indexSize)
    this.minIdFilterCapacity = options.minIdFilterCapacity ?? MIN_ID_FILTER_CAPACITY
    const reload = coalescing<unknown, unknown, unknown>(async () => {
      await this.loadIds()
      return NOTHING
    })
    this.reloadIds = () => reload([])
    this.storedModels = coalescing((ids) => lookupModelsById(store, ids))
    this.storedPredictions = coalescing((labels) => lookupPredictions(store, labels, file.join.horizon))
    this.olderPredictions = coalescing((labels) => lookupOlderPredictions(store, labels, file.join.horizon))
  }

  /** Marks for the windows of a batch's events (WindowMarks), in this configuration's windows. */
  private marks(reason: string): WindowMarks {
    return new WindowMarks(reason, (modelId) => modelConfig(this.file, modelId).window)
  }

  /**
   * The id rule (id-conflicts.ts) for a batch of valid predictions, before they are stored: ids
   * in the in-memory index are answered from it (it holds only stored predictions), ids the filter
   * of stored ids does not hold are new, and the others are looked up in ClickHouse at once.
   * `mayFollowAnotherWriter`: the batch is the first of its partition here since a start or a
   * reassignment, or a retry (the replay guard's word); the filter is loaded again first.
   */
  async screenPredictions(events: readonly PredictionKey[], mayFollowAnotherWriter = true): Promise<(DriftwatchError | null)[]> {
    if (mayFollowAnotherWriter || this.ids === null) await this.reloadIds()
    const filter = this.ids!
    // Past its capacity the filter answers "maybe" more often: a larger one is loaded meanwhile
    // (a failed load is tried again by a later batch).
    if (filter.full && !this.growing) {
      this.growing = true
      this.reloadIds()
        .catch(() => {})
        .finally(() => (this.growing = false))
    }
    const misses: string[] = []
    const stats = this.screenStats
    for (const e of events) {
      if (this.index.has(e.prediction_id)) stats.fromIndex++
      else if (filter.mayHold(e.prediction_id)) misses.push(e.prediction_id)
      else stats.fromFilter++
    }
    stats.lookedUp += misses.length
    const stored = misses.length > 0 ? await this.storedModels(misses) : new Map<string, readonly string[]>()
    return idConflicts(events, (id) => {
      const model = this.index.modelOf(id)
      return model !== undefined ? [model] : (stored.get(id) ?? NO_MODELS)
    })
  }

  /**
   * A new filter of the stored ids, made for twice their number, replaces the current one. The
   * ids this process stores while the table is read go into both (onPredictions): an id durable
   * before the read starts is read, one made durable after is added, since its add follows its
   * insert.
   */
  private async loadIds(): Promise<void> {
    const count = await countStoredPredictions(this.store)
    const next = new IdFilter(Math.max(this.minIdFilterCapacity, 2 * count))
    this.loadingIds = next
    try {
      await loadStoredIdHashes(this.store, (h1, h2) => next.addHashes(h1, h2))
      this.ids = next
      this.screenStats.loads++
    } finally {
      this.loadingIds = null
    }
  }

  async onPredictions(events: readonly PredictionKey[], token: string): Promise<void> {
    const marks = this.marks('predictions')
    const ids = this.ids
    const loading = this.loadingIds
    for (const e of events) {
      this.index.addEntry(e.prediction_id, e.model_id, e.model_version, e.event_time)
      ids?.add(e.prediction_id)
      loading?.add(e.prediction_id)
      marks.add(e.model_id, e.model_version, e.event_time)
    }
    await insertRows(this.store, 'window_marks', marks.rows(), `marks:${token}`)
  }

  async onLabels(events: readonly LabelKey[], token: string): Promise<JoinStats> {
    const targets = new Map<string, JoinTarget>()
    const misses: LabelKey[] = []
    for (const e of events) {
      const hit = this.index.get(e.prediction_id)
      if (hit) targets.set(e.prediction_id, hit)
      else misses.push(e)
    }
    let fromStore = 0
    if (misses.length > 0) {
      // The results may hold other batches' labels: read this batch's own. The horizon only bounds
      // the first lookup; the ids it did not find are looked up among the older predictions.
      const found = await this.storedPredictions(misses)
      const older = misses.filter((e) => !found.has(e.prediction_id))
      const foundOlder = older.length > 0 ? await this.olderPredictions(older) : NO_TARGETS
      for (const e of misses) {
        const target = found.get(e.prediction_id) ?? foundOlder.get(e.prediction_id)
        if (!target || targets.has(e.prediction_id)) continue
        targets.set(e.prediction_id, target)
        this.index.add(e.prediction_id, target)
        fromStore++
      }
    }
    const marks = this.marks('labels')
    for (const t of targets.values()) marks.add(t.modelId, t.modelVersion, t.eventTimeMs)
    await insertRows(this.store, 'window_marks', marks.rows(), `marks:${token}`)
    return { fromIndex: events.length - misses.length, fromStore, pending: misses.length - fromStore }
  }
}
