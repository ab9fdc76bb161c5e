/**
 * Batched lookup of predictions in ClickHouse for labels the in-memory index missed: one query
 * per batch (or per group of batches, coalesce.ts), the ids handed over as the store's string set
 * (a file in embedded mode, Store.withStringSet), on the bloom-filter index over prediction_id.
 * An id stored more than once (re-sent with another event time) gives its newest copy. The id
 * test is the PREWHERE: left to itself ClickHouse read every row's event time and other columns
 * first (25 against 57 ms of CPU for 10,800 ids among 200,000 predictions).
 *
 * Two bounds on event time, so the common case reads recent parts only and a label however late
 * still finds its prediction (the evaluator joins it regardless: docs/evaluation.md):
 * - lookupPredictions: event times within the join horizon before the oldest label time, no
 *   upper bound (so an id it does not find has no copy at or after that bound);
 * - lookupOlderPredictions, for the ids the first did not find: event times before the newest
 *   label time less the horizon, which is at or after the first lookup's bound for every batch
 *   of a coalesced group (each batch's oldest label is no older than the group's), so together
 *   they miss no stored copy. Month partitions and parts' event-time ranges keep it to old data.
 */
import { DriftwatchError } from '../errors.js'
import type { GroundTruthEvent } from '../ingest/schemas.js'
import type { Store } from '../store/clickhouse.js'
import { clickhouseDateTime64 } from '../store/rows.js'
import type { JoinTarget } from './prediction-index.js'
import { withDatabase } from '../store/query.js'
import { maxOf, minOf } from '../arrays.js'
import { STORED_ID_HASHES } from './id-filter.js'

type LabelTimes = readonly Pick<GroundTruthEvent, 'prediction_id' | 'label_time'>[]

/** DateTime64(3) holds no time before the epoch. */
const notBeforeEpoch = (ms: number) => clickhouseDateTime64(Math.max(0, ms))

export async function lookupPredictions(store: Store, labels: LabelTimes, horizonMs: number): Promise<Map<string, JoinTarget>> {
  if (labels.length === 0) return new Map()
  return lookup(store, labels, "event_time >= {bound:DateTime64(3, 'UTC')}", notBeforeEpoch(minOf(labels.map((l) => l.label_time)) - horizonMs))
}

export async function lookupOlderPredictions(store: Store, labels: LabelTimes, horizonMs: number): Promise<Map<string, JoinTarget>> {
  if (labels.length === 0) return new Map()
  const bound = maxOf(labels.map((l) => l.label_time)) - horizonMs
  if (bound <= 0) return new Map()
  return lookup(store, labels, "event_time < {bound:DateTime64(3, 'UTC')}", notBeforeEpoch(bound))
}

async function lookup(store: Store, labels: LabelTimes, eventTime: string, bound: string): Promise<Map<string, JoinTarget>> {
  const ids = [...new Set(labels.map((l) => l.prediction_id))]
  try {
    const rows = await store.withStringSet(ids, async (set) =>
      (
        await store.client.query({
          query: withDatabase(`SELECT prediction_id, model_id, model_version, toUnixTimestamp64Milli(event_time) AS t
                  FROM {db}.predictions
                  PREWHERE prediction_id IN ${set.sql}
                  WHERE ${eventTime}
                  ORDER BY event_time DESC
                  LIMIT 1 BY prediction_id`, store.database),
          query_params: { ...set.params, bound },
          // Arrays, not objects: a batch's lookup returns up to one row per label.
          format: 'JSONCompactEachRow',
        })
      ).json<[string, string, string, string]>(),
    )
    return new Map(rows.map(([id, modelId, modelVersion, t]) => [id, { modelId, modelVersion, eventTimeMs: Number(t) }]))
  } catch (cause) {
    throw new DriftwatchError('DW_CLICKHOUSE_UNAVAILABLE', `join lookup failed: ${(cause as Error).message}`, { cause, retriable: true })
  }
}

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

/** Stored ids read per query when loading their hashes: about 5 MiB of text at a time. */
export const HASH_PAGE_ROWS = 1 << 18

/**
 * The hashes of every stored prediction id (id-filter.ts, STORED_ID_HASHES) into `add`, and how
 * many rows were read. The engine hashes the ids, so two numbers come back per id rather than the
 * id. The table is read in pages of its sorting key (model_id, prediction_id), each ending at the
 * key `pageRows` rows after the last (found first, so rows deleted meanwhile cannot shift a page
 * past one never read); the engine reads each page from the key's index, so a load reads the
 * table once and holds one page's text at a time (chDB hands a result over whole). Every stored
 * copy counts, merged or not (no FINAL): a row stored under any version holds its id.
 */
export async function loadStoredIdHashes(store: Store, add: (h1: number, h2: number) => void, pageRows = HASH_PAGE_ROWS): Promise<number> {
  const query = async (sql: string, params: Record<string, unknown>) =>
    (await store.client.query({ query: withDatabase(sql, store.database), query_params: params, format: 'TabSeparated' })).text()
  let after: readonly [string, string] | null = null
  let rows = 0
  try {
    for (;;) {
      const from = after ? 'WHERE (model_id > unhex({m:String}) OR (model_id = unhex({m:String}) AND prediction_id > unhex({p:String})))' : 'WHERE 1'
      const params: Record<string, unknown> = after ? { m: after[0], p: after[1], skip: pageRows - 1 } : { skip: pageRows - 1 }
      const end: string = (await query(`SELECT hex(model_id), hex(prediction_id) FROM {db}.predictions ${from} ORDER BY model_id, prediction_id LIMIT 1 OFFSET {skip:UInt64}`, params)).trim()
      const until: readonly [string, string] | null = end === '' ? null : (end.split('\t') as [string, string])
      const to = until ? ' AND (model_id < unhex({m2:String}) OR (model_id = unhex({m2:String}) AND prediction_id <= unhex({p2:String})))' : ''
      rows += readHashPairs(await query(`SELECT ${STORED_ID_HASHES} FROM {db}.predictions ${from}${to}`, until ? { ...params, m2: until[0], p2: until[1] } : params), add)
      if (!until) return rows
      after = until
    }
  } catch (cause) {
    throw new DriftwatchError('DW_CLICKHOUSE_UNAVAILABLE', `loading the stored prediction ids failed: ${(cause as Error).message}`, { cause, retriable: true })
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

/** Lines of two unsigned 32-bit decimals separated by a tab, without a string per line. */
export function readHashPairs(text: string, add: (h1: number, h2: number) => void): number {
  let rows = 0
  let a = 0
  let b = 0
  let second = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 10) {
      add(a, b)
      rows++
      a = b = 0
      second = false
    } else if (c === 9) second = true
    else if (second) b = b * 10 + (c - 48)
    else a = a * 10 + (c - 48)
  }
  return rows
}
