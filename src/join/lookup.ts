/**
 * Batched lookup of predictions in ClickHouse for labels the in-memory index missed: one query
 * per batch (or per group of batches, coalesce.ts), the ids handed over as the store's string set
 * (a file in embedded mode, Store.withStringSet), on the bloom-filter index over prediction_id.
 * An id stored more than once (re-sent with another event time or version) gives every stored
 * copy, one (model, version, event time) each, oldest event time first: the label re-evaluates
 * the window of each, as each counts there (src/evaluate/scope.ts). The id test is the PREWHERE:
 * left to itself ClickHouse read every row's event time and other columns first (25 against 57
 * ms of CPU for 10,800 ids among 200,000 predictions).
 *
 * Two bounds on event time, so that together they read every stored copy however old (the
 * evaluator joins a label regardless: docs/evaluation.md):
 * - lookupPredictions: event times within the join horizon before the oldest label time, no
 *   upper bound;
 * - lookupOlderPredictions: event times before the newest label time less the horizon, which is
 *   at or after the first lookup's bound for every batch of a coalesced group (each batch's
 *   oldest label is no older than the group's), so together they miss no stored copy. The joiner
 *   asks it for the ids the first did not find: an older copy of an id the first found (re-sent
 *   more than the horizon apart) is not looked up. Month partitions and parts' event-time ranges keep it to
 *   old data.
 */
import { DriftwatchError } from '../errors.js'
import type { GroundTruthEvent } from '../ingest/schemas.js'
import type { Store } from '../store/clickhouse.js'
import { clickhouseDateTime64 } from '../store/rows.js'
import type { JoinTarget } from './prediction-index.js'
import { withDatabase } from '../store/query.js'
import { maxOf, minOf } from '../arrays.js'
import { STORED_ID_HASHES, word } from './id-filter.js'

type LabelTimes = readonly Pick<GroundTruthEvent, 'prediction_id' | 'label_time'>[]

/** DateTime64(3) holds no time before the epoch. */
const notBeforeEpoch = (ms: number) => clickhouseDateTime64(Math.max(0, ms))

/** Stored copies by prediction_id, oldest event time first. */
export type StoredCopies = Map<string, JoinTarget[]>

export async function lookupPredictions(store: Store, labels: LabelTimes, horizonMs: number): Promise<StoredCopies> {
  if (labels.length === 0) return new Map()
  return lookup(store, labels, "event_time >= {bound:DateTime64(3, 'UTC')}", notBeforeEpoch(minOf(labels.map((l) => l.label_time)) - horizonMs))
}

export async function lookupOlderPredictions(store: Store, labels: LabelTimes, horizonMs: number): Promise<StoredCopies> {
  if (labels.length === 0) return new Map()
  const bound = maxOf(labels.map((l) => l.label_time)) - horizonMs
  if (bound <= 0) return new Map()
  return lookup(store, labels, "event_time < {bound:DateTime64(3, 'UTC')}", notBeforeEpoch(bound))
}

async function lookup(store: Store, labels: LabelTimes, eventTime: string, bound: string): Promise<StoredCopies> {
  const ids = [...new Set(labels.map((l) => l.prediction_id))]
  try {
    return await copies(store, ids, eventTime, { bound })
  } catch (cause) {
    throw new DriftwatchError('DW_CLICKHOUSE_UNAVAILABLE', `join lookup failed: ${(cause as Error).message}`, { cause, retriable: true })
  }
}

/**
 * Every stored copy of the ids, whatever its event time: the id screen's lookup (joiner.ts), whose
 * models decide the id rule and whose copies join the in-memory index with the re-sent prediction.
 */
export async function lookupStoredCopies(store: Store, ids: readonly string[]): Promise<StoredCopies> {
  if (ids.length === 0) return new Map()
  try {
    return await copies(store, [...new Set(ids)], '1', {})
  } catch (cause) {
    throw new DriftwatchError('DW_CLICKHOUSE_UNAVAILABLE', `prediction id lookup failed: ${(cause as Error).message}`, { cause, retriable: true })
  }
}

/** The distinct (model, version, event time) of the ids' stored rows that pass `where`, oldest first per id. */
async function copies(store: Store, ids: readonly string[], where: string, params: Record<string, unknown>): Promise<StoredCopies> {
  const rows = await store.withStringSet(ids, async (set) =>
    (
      await store.client.query({
        query: withDatabase(`SELECT DISTINCT prediction_id, model_id, model_version, toUnixTimestamp64Milli(event_time) AS t
                FROM {db}.predictions
                PREWHERE prediction_id IN ${set.sql}
                WHERE ${where}
                ORDER BY prediction_id, t, model_id, model_version`, store.database),
        query_params: { ...set.params, ...params },
        // Arrays, not objects: a batch's lookup returns about one row per label.
        format: 'JSONCompactEachRow',
      })
    ).json<[string, string, string, string]>(),
  )
  const found: StoredCopies = new Map()
  for (const [id, modelId, modelVersion, t] of rows) {
    const target = { modelId, modelVersion, eventTimeMs: Number(t) }
    const known = found.get(id)
    if (known) known.push(target)
    else found.set(id, [target])
  }
  return found
}

/** Every model that stored each id, sorted (scripts/bench/id-screen.ts measures it as the id rule's lookup). */
export async function lookupModelsById(store: Store, ids: readonly string[]): Promise<Map<string, string[]>> {
  if (ids.length === 0) return new Map()
  try {
    const rows = await store.withStringSet([...new Set(ids)], async (set) =>
      (
        await store.client.query({
          query: withDatabase(`SELECT prediction_id, groupUniqArray(model_id) AS models
                  FROM {db}.predictions
                  WHERE prediction_id IN ${set.sql}
                  GROUP BY prediction_id`, store.database),
          query_params: set.params,
          format: 'JSONCompactEachRow',
        })
      ).json<[string, string[]]>(),
    )
    return new Map(rows.map(([id, models]) => [id, [...models].sort()]))
  } catch (cause) {
    throw new DriftwatchError('DW_CLICKHOUSE_UNAVAILABLE', `prediction id lookup failed: ${(cause as Error).message}`, { cause, retriable: true })
  }
}

/**
 * The hashes of every stored prediction id (id-filter.ts, STORED_ID_HASHES) into `add`, and how
 * many rows were read. The engine hashes the ids and hands them over as a stream of RowBinary
 * (two UInt32 per id: 8 bytes rather than the id), read as it comes (Store.streamRowBinary), so
 * the table is read once and never held whole. Every stored copy counts, merged or not (no
 * FINAL): a row stored under any version holds its id.
 */
export async function loadStoredIdHashes(store: Store, add: (h1: number, h2: number) => void): Promise<number> {
  const pairs = new HashPairs(add)
  try {
    await store.streamRowBinary(withDatabase(`SELECT ${STORED_ID_HASHES} FROM {db}.predictions`, store.database), (chunk) => pairs.push(chunk))
    // A stream cut within a row is the engine's failure, retried like any other.
    return pairs.end()
  } catch (cause) {
    throw new DriftwatchError('DW_CLICKHOUSE_UNAVAILABLE', `reading the stored prediction ids failed: ${(cause as Error).message}`, { cause, retriable: true })
  }
}

/** Stored predictions, every copy counted: the size a filter of their ids is made for. */
export async function countStoredPredictions(store: Store): Promise<number> {
  try {
    const text = await (await store.client.query({ query: withDatabase('SELECT count() FROM {db}.predictions', store.database), format: 'TabSeparated' })).text()
    return Number(text.trim())
  } catch (cause) {
    throw new DriftwatchError('DW_CLICKHOUSE_UNAVAILABLE', `counting the stored predictions failed: ${(cause as Error).message}`, { cause, retriable: true })
  }
}

/** RowBinary rows of two UInt32 (little-endian), from chunks that may end within a row. */
export class HashPairs {
  private readonly carry = new Uint8Array(8)
  private carried = 0
  private rows = 0

  constructor(private readonly add: (h1: number, h2: number) => void) {}

  push(chunk: Uint8Array): void {
    let i = 0
    if (this.carried > 0) {
      while (this.carried < 8 && i < chunk.length) this.carry[this.carried++] = chunk[i++]!
      if (this.carried < 8) return
      this.emit(this.carry, 0)
      this.carried = 0
    }
    const whole = chunk.length - ((chunk.length - i) % 8)
    for (; i < whole; i += 8) this.emit(chunk, i)
    while (i < chunk.length) this.carry[this.carried++] = chunk[i++]!
  }

  /** The rows read; throws if the stream ended within a row. */
  end(): number {
    if (this.carried !== 0) throw new Error(`the id hashes ended within a row (${this.carried} bytes left over)`)
    return this.rows
  }

  private emit(b: Uint8Array, i: number): void {
    this.add(word(b, i) >>> 0, word(b, i + 4) >>> 0)
    this.rows++
  }
}
