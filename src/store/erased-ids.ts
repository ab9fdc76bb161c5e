/**
 * The record of what `driftwatch erase` deleted (schemas/clickhouse/0017_erased_predictions.sql):
 * one row per (model_id, prediction_id) of the subject's predictions, and whether that id's labels
 * and dead letters went too. `eraseSubject` writes it before it deletes anything; ingest reads it
 * (src/pipeline/erased-screen.ts) so that an event of an erased prediction read again from a topic
 * is not stored again. It holds the ids alone: no subject id, no event data.
 */
import type { Store } from './clickhouse.js'
import { insertRows } from './insert.js'
import { DriftwatchError } from '../errors.js'
import { withDatabase } from './query.js'

export interface ErasedPrediction {
  readonly modelId: string
  readonly predictionId: string
  /** Its labels and the dead letters keyed by its id were deleted too (src/store/erase-rule.ts labelIds). */
  readonly labelsErased: boolean
}

/** Rows per insert, as the erasure's deletes chunk their ids. */
const CHUNK = 1000

/**
 * Appends the rows; `runId` names the erase run. A run that is repeated after an interruption
 * appends them again: readers keep a set, so a duplicate costs only its row.
 */
export async function recordErased(store: Store, erased: readonly ErasedPrediction[], runId: string): Promise<void> {
  for (let i = 0; i < erased.length; i += CHUNK) {
    const rows = erased.slice(i, i + CHUNK).map((e) => ({ model_id: e.modelId, prediction_id: e.predictionId, labels_erased: e.labelsErased ? 1 : 0 }))
    await insertRows(store, 'erased_predictions', rows, `erased:${runId}:${i}`)
  }
}

export interface ErasedRead {
  readonly rows: readonly ErasedPrediction[]
  /** The newest erased_at read (the server's time, ms), null when nothing was read. */
  readonly newestMs: number | null
}

/**
 * The rows recorded after `sinceMs` (erased_at, the server's time): a range of the table's primary
 * key. Read on the ingest path, so a failure is what the ingest path's other reads report
 * (src/join/lookup.ts): a retriable DW_CLICKHOUSE_UNAVAILABLE, and the batch is retried.
 */
export async function readErased(store: Store, sinceMs: number): Promise<ErasedRead> {
  let rows: { model_id: string; prediction_id: string; labels_erased: number; t: string }[]
  try {
    const rs = await store.client.query({
      query: withDatabase(
        `SELECT model_id, prediction_id, labels_erased, toString(toUnixTimestamp64Milli(erased_at)) AS t
         FROM {db}.erased_predictions WHERE erased_at > fromUnixTimestamp64Milli({since:Int64}, 'UTC')`,
        store.database,
      ),
      query_params: { since: Math.max(0, Math.floor(sinceMs)) },
      format: 'JSONEachRow',
    })
    rows = await rs.json()
  } catch (cause) {
    throw new DriftwatchError('DW_CLICKHOUSE_UNAVAILABLE', `reading the erased predictions failed: ${(cause as Error).message}`, { cause, retriable: true })
  }
  let newestMs: number | null = null
  for (const r of rows) newestMs = Math.max(newestMs ?? 0, Number(r.t))
  return { rows: rows.map((r) => ({ modelId: r.model_id, predictionId: r.prediction_id, labelsErased: Number(r.labels_erased) === 1 })), newestMs }
}

/** The prediction ids whose labels and dead letters were erased (labels_erased = 1), as a subquery. */
export const LABELS_ERASED_IDS = '(SELECT prediction_id FROM {db}.erased_predictions WHERE labels_erased = 1)'

/**
 * The ids whose labels were erased that have labels or dead letters (keyed by the id) stored
 * again: stored by an instance that had not yet re-read the erase record (it re-reads it every
 * ERASED_RELOAD_MS), or by any other path. `driftwatch erase` removes them (./erase.ts). Sorted.
 */
export async function idsStoredAgain(store: Store): Promise<string[]> {
  const read = async <T>(query: string) => (await store.client.query({ query: withDatabase(query, store.database), format: 'JSONEachRow' })).json<T>()
  const labelled = await read<{ id: string }>(`SELECT DISTINCT prediction_id AS id FROM {db}.ground_truth WHERE prediction_id IN ${LABELS_ERASED_IDS}`)
  const keyed = await read<{ k: string }>(
    `SELECT DISTINCT raw_key_base64 AS k FROM {db}.dead_letters WHERE raw_key_base64 IN (SELECT base64Encode(prediction_id) FROM {db}.erased_predictions WHERE labels_erased = 1)`,
  )
  return [...new Set([...labelled.map((r) => r.id), ...keyed.map((r) => Buffer.from(r.k, 'base64').toString('utf8'))])].sort()
}
