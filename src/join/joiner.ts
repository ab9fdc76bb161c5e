/**
 * The stream side of the prediction <-> label join. It routes stored events to the windows they
 * change and records those windows as marks for the evaluator, after the events are durable:
 *
 * - a prediction marks its own window and enters the in-memory index;
 * - a label marks the window of its prediction however old, as long as the prediction is stored
 *   (retention.raw after it was stored; the evaluator joins it regardless of age:
 *   docs/evaluation.md), and of every stored copy of it: a prediction_id re-sent with another
 *   event time or version counts in the window of each copy (src/evaluate/scope.ts). The copies
 *   are found in the index or, for a miss, by batched ClickHouse lookups (never one query per
 *   label): among predictions whose event time is within the join horizon before the label time,
 *   then, for the ids not found there, among the older ones (lookup.ts). What a label counts for
 *   never depends on what this process holds; the windows it marks may: the store path leaves out
 *   a copy re-sent more than the horizon before one it finds, which the index may hold;
 * - a label whose prediction is not stored is held: it is stored in ground_truth, and the
 *   prediction's own mark re-evaluates its window when it arrives; if none is stored
 *   join.orphanAfter after the label (it never arrived, or retention.raw or `driftwatch erase`
 *   removed it), the evaluator's orphan sweep dead-letters the label (DW_ORPHAN_LABEL, a notice:
 *   the label stays stored, src/evaluate/orphans.ts).
 * The actual pairing of labels with predictions happens in ClickHouse at evaluation (FINAL
 * tables, newest label_time wins), so replays and duplicates cannot double-count.
 *
 * The id rule (id-conflicts.ts) runs before a batch of predictions is stored. An id in the index
 * is answered from it; any other id is first tested against a filter of the stored ids
 * (id-filter.ts), and only those the filter may hold are looked up in ClickHouse. That lookup
 * returns the id's stored copies, which go into the index with the new one (onPredictions), so
 * an indexed id holds its stored copies (up to prediction-index.ts MAX_TARGETS): one the filter
 * does not hold has none, and one indexed already holds them. The filter is read from the table once per assignment of partitions to
 * this process (a start, a rebalance) and after a batch failed part-way (`rereadStoredIds`),
 * before the next batch is screened; it takes every prediction this process stores, once it is
 * durable. Until then the ids of a batch that passed the screen are held (in-flight-ids.ts), so
 * that a batch of another partition screened meanwhile in this process waits rather than misses
 * them. Both topics are keyed by prediction_id and consumed
 * co-partitioned, so only the owner of a partition writes its ids: after the read, the filter
 * holds every stored use of the ids a batch can carry. A producer that does not key by
 * prediction_id can put one id in two partitions owned by two instances: an id the other instance
 * stored after this one's last read then escapes the rule (without the filter, it escaped only
 * when both were screened before either was stored), and a label this one answers from its index
 * misses that copy's window.
 */
import type { FileConfig } from '../config/file.js'
import { modelConfig } from '../config/file.js'
import type { GroundTruthEvent, PredictionEvent } from '../ingest/schemas.js'
import type { Store } from '../store/clickhouse.js'
import { insertRows } from '../store/insert.js'
import { clickhouseDateTime64 } from '../store/rows.js'
import { windowStart } from '../window/windows.js'
import { PredictionIndex, type JoinTarget } from './prediction-index.js'
import { countStoredPredictions, loadStoredIdHashes, lookupOlderPredictions, lookupPredictions, lookupStoredCopies } from './lookup.js'
import { IdFilter, idHashes } from './id-filter.js'
import { coalescing } from './coalesce.js'
import { idConflicts } from './id-conflicts.js'
import { InFlightIds, type Holder } from './in-flight-ids.js'
import type { DriftwatchError } from '../errors.js'

export interface MarkRow {
  model_id: string
  model_version: string
  window_start: string
  window_ms: number
  reason: string
}

/**
 * What the join needs of a stored prediction; with the id's two hashes (id-filter.ts idHashes),
 * computed once for the screen and for adding the id to the filter once it is stored; the
 * copies of its id stored before it, when the screen looked them up (`storedCopies`, set by
 * screenPredictions on the key it is given and read by onPredictions from the same key); and the
 * claims on the ids of the batch the screen passed (`held`, in-flight-ids.ts), let go by
 * settleScreened from the same key.
 */
export type PredictionKey = Pick<PredictionEvent, 'prediction_id' | 'model_id' | 'model_version' | 'event_time'> & {
  readonly idHash1: number
  readonly idHash2: number
  storedCopies?: readonly JoinTarget[] | null
  held?: Holder | null
}
/** What the join needs of a stored label. */
export type LabelKey = Pick<GroundTruthEvent, 'prediction_id' | 'label_time'>

const pair: [number, number] = [0, 0]
export function predictionKey(e: Pick<PredictionEvent, 'prediction_id' | 'model_id' | 'model_version' | 'event_time'>): PredictionKey {
  idHashes(e.prediction_id, pair)
  return { prediction_id: e.prediction_id, model_id: e.model_id, model_version: e.model_version, event_time: e.event_time, idHash1: pair[0], idHash2: pair[1], storedCopies: null, held: null }
}
export const labelKey = (e: GroundTruthEvent): LabelKey => ({ prediction_id: e.prediction_id, label_time: e.label_time })

export interface JoinStats {
  readonly fromIndex: number
  readonly fromStore: number
  readonly pending: number
}

const NO_MODELS: readonly string[] = Object.freeze([])
type Copies = ReadonlyMap<string, readonly JoinTarget[]>
const NO_COPIES: Copies = new Map()

/**
 * The copies of an id from both label lookups, oldest first, each once: their event-time ranges
 * overlap for a coalesced group of batches (lookup.ts).
 */
function mergeCopies(a: readonly JoinTarget[] = [], b: readonly JoinTarget[] = []): JoinTarget[] {
  if (a.length === 0 || b.length === 0) return a.length === 0 ? [...b] : [...a]
  const all = [...a, ...b].sort((x, y) => x.eventTimeMs - y.eventTimeMs || (x.modelId < y.modelId ? -1 : x.modelId > y.modelId ? 1 : 0) || (x.modelVersion < y.modelVersion ? -1 : x.modelVersion > y.modelVersion ? 1 : 0))
  return all.filter((t, i) => i === 0 || !sameTarget(t, all[i - 1]!))
}

const sameTarget = (x: JoinTarget, y: JoinTarget) => x.eventTimeMs === y.eventTimeMs && x.modelId === y.modelId && x.modelVersion === y.modelVersion

/** The models of each id's copies, sorted. */
function modelsOf(copies: Copies): Map<string, readonly string[]> {
  return new Map([...copies].map(([id, targets]) => [id, [...new Set(targets.map((t) => t.modelId))].sort()]))
}

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

/**
 * How the id rule answered, since the start: ids from the index, from the filter, by lookup;
 * filter loads; screens that waited for a batch being stored that held one of their ids for
 * another model (in-flight-ids.ts).
 */
export interface ScreenStats {
  fromIndex: number
  fromFilter: number
  lookedUp: number
  loads: number
  waited: number
}

export interface JoinerOptions {
  /** The smallest id filter loaded (ids); a filter is made for twice the stored predictions. */
  readonly minIdFilterCapacity?: number
  /** The largest id filter loaded (ids), whatever the stored predictions. */
  readonly maxIdFilterCapacity?: number
}

/** 2^18 ids: 640 KiB of filter. */
const MIN_ID_FILTER_CAPACITY = 1 << 18
/**
 * 2^25 ids: 80 MiB of filter, twice that while a new one is read. Past 16.8M stored predictions
 * the filter is made no larger: its false positives grow with the ids it holds, and each costs a
 * lookup, not a wrong answer. Read with more ids stored than that, it is built with fewer hashes
 * for them (id-filter.ts hashesFor): about 0.8 % false positives at twice its capacity, 4 % at
 * three times, instead of 2 % and 16 % with all 14, as read. Its hashes are chosen at the read: a
 * filter read smaller keeps all 14 as it fills, until the next read (start, rebalance). Its bit
 * indexes stay below 2^32.
 */
const MAX_ID_FILTER_CAPACITY = 1 << 25

/** The capacity of a filter read with `stored` predictions stored: twice them, within [min, max]. */
export function idFilterCapacity(stored: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, 2 * stored))
}

export class Joiner {
  readonly index: PredictionIndex
  readonly screenStats: ScreenStats = { fromIndex: 0, fromFilter: 0, lookedUp: 0, loads: 0, waited: 0 }
  /** The ids of the prediction batches that passed the screen and are being stored. */
  readonly inFlight = new InFlightIds()

  /** The stored ids (id-filter.ts); null until first read. */
  private ids: IdFilter | null = null
  /** Times the filter was found out of date (`rereadStoredIds`), and the count it was read at. */
  private assignment = 0
  private idsAssignment = -1
  /** A read of the filter under way: the assignment it started in, the filter it fills, its end. */
  private loading: { readonly assignment: number; readonly filter: IdFilter | null; readonly done: Promise<void> } | null = null
  private readonly minIdFilterCapacity: number
  private readonly maxIdFilterCapacity: number

  /** The stored copies of prediction ids; batches handled at the same time share a query (coalesce.ts). */
  private readonly storedCopies: (ids: readonly string[]) => Promise<Copies>
  /** Stored predictions of labels, within the join horizon before the oldest label; shared likewise. */
  private readonly storedPredictions: (labels: readonly LabelKey[]) => Promise<Copies>
  /** Stored predictions older than that; shared likewise. */
  private readonly olderPredictions: (labels: readonly LabelKey[]) => Promise<Copies>

  constructor(
    private readonly store: Store,
    private readonly file: FileConfig,
    options: JoinerOptions = {},
  ) {
    this.index = new PredictionIndex(file.join.indexSize)
    this.minIdFilterCapacity = options.minIdFilterCapacity ?? MIN_ID_FILTER_CAPACITY
    this.maxIdFilterCapacity = Math.max(this.minIdFilterCapacity, options.maxIdFilterCapacity ?? MAX_ID_FILTER_CAPACITY)
    this.storedCopies = coalescing((ids) => lookupStoredCopies(store, ids))
    this.storedPredictions = coalescing((labels) => lookupPredictions(store, labels, file.join.horizon))
    this.olderPredictions = coalescing((labels) => lookupOlderPredictions(store, labels, file.join.horizon))
  }

  /** Marks for the windows of a batch's events (WindowMarks), in this configuration's windows. */
  private marks(reason: string): WindowMarks {
    return new WindowMarks(reason, (modelId) => modelConfig(this.file, modelId).window)
  }

  /**
   * The next screen reads the filter of stored ids again: the consumer group assigned partitions
   * to this process anew (another instance may have written them meanwhile), or an attempt of a
   * prediction batch failed after some of its rows may have been stored, without the step that
   * adds their ids (onPredictions).
   */
  rereadStoredIds(): void {
    // Already out of date, with no read begun since: the next read begins after this call anyway.
    if (this.idsAssignment === this.assignment || this.loading?.assignment === this.assignment) this.assignment++
  }

  /**
   * The id rule (id-conflicts.ts) for a batch of valid predictions, before they are stored: ids
   * in the in-memory index are answered from it (it holds only stored predictions), ids the filter
   * of stored ids does not hold are new, and the others are looked up in ClickHouse at once. The
   * stored copies of a re-sent id, from the index or the lookup, are kept on the event's key
   * (`storedCopies`) for onPredictions.
   *
   * Batches screened at the same time (several partitions at once): a batch that passes holds its
   * ids until settleScreened, and a batch with an id held for another model, not stored, waits
   * for that batch to settle and is screened again (in-flight-ids.ts). The caller settles every
   * batch this passed.
   */
  async screenPredictions(events: readonly PredictionKey[]): Promise<(DriftwatchError | null)[]> {
    const stats = this.screenStats
    for (;;) {
      let filter = await this.storedIds()
      // In the step that opens the view: a filter read before a failed attempt (or a newer one) is not current.
      while (filter !== this.ids || this.idsAssignment !== this.assignment) filter = await this.storedIds()
      const view = this.inFlight.open()
      let wait: Promise<void> | null
      try {
        const misses: string[] = []
        for (const e of events) {
          if (this.index.has(e.prediction_id)) stats.fromIndex++ // the index holds its copies already
          else if (filter.mayHoldHashes(e.idHash1, e.idHash2)) misses.push(e.prediction_id)
          else stats.fromFilter++
        }
        stats.lookedUp += misses.length
        const copies = misses.length > 0 ? await this.storedCopies(misses) : NO_COPIES
        const stored = copies.size > 0 ? modelsOf(copies) : new Map<string, readonly string[]>()
        const known = (id: string) => {
          const model = this.index.modelOf(id)
          return model !== undefined ? [model] : (stored.get(id) ?? NO_MODELS)
        }
        wait = this.inFlight.blocking(view, events, known)
        if (wait === null) {
          const conflicts = idConflicts(events, known)
          if (events.length > 0) {
            const holder = this.inFlight.hold(events, (i) => conflicts[i] === null)
            for (const e of events) e.held = holder
          }
          if (copies.size > 0) for (const e of events) e.storedCopies ??= copies.get(e.prediction_id) ?? null
          return conflicts
        }
      } finally {
        this.inFlight.close(view)
      }
      stats.waited++
      await wait
    }
  }

  /**
   * The attempt that stored (or failed to store) these screened predictions ended: the ids their
   * screen held are let go. `stored`: the attempt's effect is durable and onPredictions has run
   * (or had nothing to add); else some of its rows may be durable all the same, so the filter is
   * read again before the next screen (and before a batch waiting for these ids is screened again).
   */
  settleScreened(events: readonly PredictionKey[], stored: boolean): void {
    if (!stored) this.rereadStoredIds()
    for (const e of events) {
      if (e.held) return this.inFlight.settle(e.held)
    }
  }

  /**
   * The filter of stored ids, read in the current assignment. Past its capacity it answers "maybe"
   * more often, so a larger one is read meanwhile, up to the largest capacity (a failed read is
   * tried again by a later batch).
   * A failed read rejects retriable, and the batch is retried.
   */
  private async storedIds(): Promise<IdFilter> {
    for (;;) {
      const current = this.ids
      if (current && this.idsAssignment === this.assignment) {
        // A filter at the largest capacity is not read again when full: the next would be as large.
        if (current.full && current.capacity < this.maxIdFilterCapacity && !this.loading) this.readIds().catch(() => {})
        return current
      }
      const loading = this.loading
      if (loading?.assignment === this.assignment) await loading.done
      else if (loading) await loading.done.catch(() => {}) // read before the reassignment: not enough
      else await this.readIds()
    }
  }

  /**
   * Reads a new filter of the stored ids, made for twice their number, in place of the current
   * one. The ids this process stores while the table is read go into both (onPredictions): an id
   * durable before the read starts is read, one made durable after is added, since its add
   * follows its insert.
   */
  private readIds(): Promise<void> {
    const assignment = this.assignment
    // Until the count is in, the ids stored go nowhere: they are durable before the read starts.
    const read: { assignment: number; filter: IdFilter | null; done: Promise<void> } = { assignment, filter: null, done: Promise.resolve() }
    read.done = (async () => {
      const count = await countStoredPredictions(this.store)
      const filter = new IdFilter(idFilterCapacity(count, this.minIdFilterCapacity, this.maxIdFilterCapacity), count)
      read.filter = filter
      await loadStoredIdHashes(this.store, (h1, h2) => filter.addHashes(h1, h2))
      this.ids = filter
      this.idsAssignment = assignment
      this.screenStats.loads++
    })().finally(() => {
      if (this.loading === read) this.loading = null
    })
    this.loading = read
    return read.done
  }

  async onPredictions(events: readonly PredictionKey[], token: string): Promise<void> {
    const marks = this.marks('predictions')
    const ids = this.ids
    const loading = this.loading?.filter ?? null
    for (const e of events) {
      // A re-sent id the index did not hold: its stored copies first, so that the index holds them
      // all (once: a second event of the id in the batch finds them indexed).
      if (e.storedCopies && !this.index.has(e.prediction_id)) for (const t of e.storedCopies) this.index.add(e.prediction_id, t)
      this.index.addEntry(e.prediction_id, e.model_id, e.model_version, e.event_time)
      ids?.addHashes(e.idHash1, e.idHash2)
      loading?.addHashes(e.idHash1, e.idHash2)
      marks.add(e.model_id, e.model_version, e.event_time)
    }
    await insertRows(this.store, 'window_marks', marks.rows(), `marks:${token}`)
  }

  async onLabels(events: readonly LabelKey[], token: string): Promise<JoinStats> {
    const marks = this.marks('labels')
    const misses: LabelKey[] = []
    for (const e of events) {
      const hit = this.index.targets(e.prediction_id)
      if (hit) for (const t of hit) marks.add(t.modelId, t.modelVersion, t.eventTimeMs)
      else misses.push(e)
    }
    let fromStore = 0
    if (misses.length > 0) {
      // The results may hold other batches' labels: read this batch's own. The horizon only bounds
      // the first lookup; the ids it did not find are looked up among the older predictions. (A
      // copy re-sent more than the horizon before one the first lookup found is not marked: a
      // second query for every label batch would pay for a case that rare.)
      const found = await this.storedPredictions(misses)
      const notFound = misses.filter((e) => !found.has(e.prediction_id))
      const older = notFound.length > 0 ? await this.olderPredictions(notFound) : NO_COPIES
      const seen = new Set<string>()
      for (const e of misses) {
        const id = e.prediction_id
        if (seen.has(id)) continue
        seen.add(id)
        const copies = mergeCopies(older.get(id), found.get(id))
        if (copies.length === 0) continue
        // Oldest first, so the index's last added (its slot's) is the newest copy.
        for (const t of copies) {
          this.index.add(id, t)
          marks.add(t.modelId, t.modelVersion, t.eventTimeMs)
        }
        fromStore++
      }
    }
    await insertRows(this.store, 'window_marks', marks.rows(), `marks:${token}`)
    return { fromIndex: events.length - misses.length, fromStore, pending: misses.length - fromStore }
  }
}
