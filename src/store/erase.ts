/**
 * Right to erasure: deletes every stored row of one data subject, and re-marks the windows whose
 * metrics counted them.
 *
 *   predictions   WHERE subject_id = subjectKey(subjectId)
 *   ground_truth  WHERE prediction_id IN (the subject's prediction ids)
 *   dead_letters  WHERE raw_key_base64 IN (base64 of those ids: events are keyed by prediction_id)
 *
 * The stored subject_id may be a pseudonym (HMAC of the id when pseudonymization is on), so the
 * caller passes `subjectKey`, the function that turns the id a person gives into the stored value.
 * Rows are counted first, then deleted with lightweight DELETE (ALTER TABLE ... DELETE with
 * mutations_sync = 2 where a table does not support it), always with query parameters. Rows
 * keyed by prediction id go first and predictions last, so an interrupted erase finds the same
 * ids when it is run again. Not reached (see docs/operations.md): Kafka topics (their retention
 * bounds them), dead letters of events that were never stored, and superseded metric versions
 * until ClickHouse merges them away.
 */
import type { ModelConfig } from '../config/file.js'
import { DriftwatchError } from '../errors.js'
import type { Store } from './clickhouse.js'
import { erasureWindows } from './erase-windows.js'
import { markWindows, windowsWithPredictions, type WindowRef } from './mark-windows.js'

export type SubjectKey = (subjectId: string) => string

/** subject_id stored as sent (no pseudonymization). */
export const storedAsIs: SubjectKey = (subjectId) => subjectId

export const ERASED_TABLES = ['predictions', 'ground_truth', 'dead_letters'] as const
export type ErasedTable = (typeof ERASED_TABLES)[number]

export interface EraseOptions {
  readonly subjectId: string
  readonly subjectKey: SubjectKey
  /** The model's settings (window size, reference), from driftwatch.yaml. */
  readonly model: (modelId: string) => ModelConfig
  /** Count and plan only. */
  readonly dryRun?: boolean
  /** Unique per run (e.g. the time): names the marks' insert. */
  readonly runId: string
}

export interface EraseReport {
  /** Rows per table: found (dry run) or deleted, every stored copy counted. */
  readonly rows: Record<ErasedTable, number>
  readonly predictionIds: number
  /** Windows marked for re-evaluation (dry run: that would be). */
  readonly windows: number
}

/** Ids per statement: keeps each query well under ClickHouse's 1 MiB URL / query-size limits. */
const CHUNK = 1000

const chunks = <T>(xs: readonly T[]): T[][] => Array.from({ length: Math.ceil(xs.length / CHUNK) }, (_, i) => xs.slice(i * CHUNK, (i + 1) * CHUNK))

async function count(store: Store, table: string, where: string, params: Record<string, unknown>): Promise<number> {
  const rows = await (await store.client.query({ query: `SELECT count() AS c FROM ${store.database}.${table} WHERE ${where}`, query_params: params, format: 'JSONEachRow' })).json<{ c: string }>()
  return Number(rows[0]?.c ?? 0)
}

/** ClickHouse codes meaning "this table cannot take a lightweight DELETE": NOT_IMPLEMENTED, SUPPORT_IS_DISABLED. */
const NO_LIGHTWEIGHT_DELETE = new Set(['48', '344'])

async function deleteWhere(store: Store, table: string, where: string, params: Record<string, unknown>): Promise<void> {
  const target = `${store.database}.${table}`
  try {
    await store.client.command({ query: `DELETE FROM ${target} WHERE ${where}`, query_params: params, clickhouse_settings: { lightweight_deletes_sync: '2' } })
  } catch (e) {
    if (!NO_LIGHTWEIGHT_DELETE.has(String((e as { code?: unknown }).code))) throw e
    await store.client.command({ query: `ALTER TABLE ${target} DELETE WHERE ${where}`, query_params: params, clickhouse_settings: { mutations_sync: '2' } })
  }
}

interface SubjectPrediction {
  prediction_id: string
  model_id: string
  model_version: string
  t: string
}

async function plan(store: Store, o: EraseOptions, stored: string) {
  const predictions = await (
    await store.client.query({
      query: `SELECT prediction_id, model_id, model_version, toUnixTimestamp64Milli(event_time) AS t FROM ${store.database}.predictions WHERE subject_id = {subject:String}`,
      query_params: { subject: stored },
      format: 'JSONEachRow',
    })
  ).json<SubjectPrediction>()
  const ids = [...new Set(predictions.map((p) => p.prediction_id))].sort()
  const keys = ids.map((id) => Buffer.from(id, 'utf8').toString('base64'))
  const rows: Record<ErasedTable, number> = { predictions: predictions.length, ground_truth: 0, dead_letters: 0 }
  for (const part of chunks(ids)) rows.ground_truth += await count(store, 'ground_truth', 'prediction_id IN {ids:Array(String)}', { ids: part })
  for (const part of chunks(keys)) rows.dead_letters += await count(store, 'dead_letters', 'raw_key_base64 IN {keys:Array(String)}', { keys: part })
  const windows = erasureWindows(
    predictions.map((p) => ({ modelId: p.model_id, modelVersion: p.model_version, eventTimeMs: Number(p.t) })),
    o.model,
  )
  return { ids, keys, rows, windows }
}

export async function eraseSubject(store: Store, o: EraseOptions): Promise<EraseReport> {
  const stored = o.subjectKey(o.subjectId)
  try {
    const p = await plan(store, o, stored)
    const dependents = async (): Promise<WindowRef[]> => {
      const found: WindowRef[] = []
      for (const range of p.windows.dependents) found.push(...(await windowsWithPredictions(store, range, o.model(range.modelId).window)))
      return found
    }
    if (o.dryRun) {
      const all = new Set([...p.windows.own, ...(await dependents())].map((w) => `${w.modelId}\u0000${w.modelVersion}\u0000${w.startMs}`))
      return { rows: p.rows, predictionIds: p.ids.length, windows: all.size }
    }
    for (const part of chunks(p.keys)) await deleteWhere(store, 'dead_letters', 'raw_key_base64 IN {keys:Array(String)}', { keys: part })
    for (const part of chunks(p.ids)) await deleteWhere(store, 'ground_truth', 'prediction_id IN {ids:Array(String)}', { ids: part })
    await deleteWhere(store, 'predictions', 'subject_id = {subject:String}', { subject: stored })
    // After the delete: the dependents are the windows that still hold predictions.
    const windows = await markWindows(store, [...p.windows.own, ...(await dependents())], 'erasure', o.runId)
    return { rows: p.rows, predictionIds: p.ids.length, windows }
  } catch (cause) {
    if (cause instanceof DriftwatchError) throw cause
    throw new DriftwatchError('DW_CLICKHOUSE_UNAVAILABLE', `erasure failed (it is safe to run again): ${(cause as Error).message}`, { cause, retriable: true })
  }
}
