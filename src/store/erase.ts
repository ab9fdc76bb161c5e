/**
 * Right to erasure: deletes every stored row of one data subject, and re-marks the windows whose
 * metrics counted them.
 *
 * Which rows are the subject's is decided per (model_id, prediction_id) by its current version,
 * the newest one that `predictions FINAL` reads (./erase-rule.ts states the rule):
 *
 *   predictions   the subject's predictions (current version names the subject, or no one while
 *                 an older version names the subject): every version, in every partition;
 *                 of a prediction whose current version names another subject: only the older
 *                 versions naming the subject (the current one stays)
 *   ground_truth  WHERE prediction_id IN (the subject's prediction ids)
 *   dead_letters  WHERE raw_key_base64 IN (base64 of those ids: events are keyed by prediction_id)
 *
 * The stored subject_id may be a pseudonym (HMAC of the id when pseudonymization is on), so the
 * caller passes `subjectKey`, the function that turns the id a person gives into the stored value.
 * Rows are counted first, then deleted with lightweight DELETE (ALTER TABLE ... DELETE with
 * mutations_sync = 2 where a table does not support it), always with query parameters. The
 * windows are marked before any delete and rows keyed by prediction id go before the predictions,
 * so an interrupted erase finds the same ids when it is run again, and no window is left
 * unmarked (eraseSubject explains the order).
 *
 * Derived data that can hold the subject's values goes too: the partial aggregates of the windows
 * that counted the subject (every version; the re-evaluation rebuilds them without the subject),
 * and the pseudonyms of the subject's `pii` feature values wherever they stand as categories: in
 * stored baseline profiles (reference_profiles, rewritten without them: a baseline file carries no
 * subject ids, so a category equal to the subject's value is removed whole) and in drift rows'
 * unseen categories (every version). Not reached (see docs/operations.md): Kafka topics (their
 * retention bounds them) and dead letters of events that were never stored.
 *
 * What it deleted is recorded by id (erased_predictions, ./erased-ids.ts: the subject's
 * (model_id, prediction_id)s, and whether their labels and dead letters went too), so that a
 * consumer reading the topics again does not store them again (src/pipeline/erased-screen.ts).
 * A running instance reads that record within its reload interval; a label or dead letter of an
 * erased id it stores before then has no prediction left to be found by, so every run (of any
 * subject) also removes the labels and dead letters stored again of every id recorded with
 * labels_erased = 1 (`stragglers`, found through the record: ./erased-ids.ts idsStoredAgain).
 * Older versions naming the subject of a prediction that stays (another subject's now) are not
 * recorded: the id is that subject's, and ingest keeps storing it.
 */
import type { ModelConfig } from '../config/file.js'
import { DriftwatchError } from '../errors.js'
import type { Store } from './clickhouse.js'
import { erasureRows, type Named } from './erase-rule.js'
import { erasureWindows } from './erase-windows.js'
import { distinctWindows, markWindows, windowsWithPredictions, type WindowRef } from './mark-windows.js'
import { withDatabase } from './query.js'
import { deleteKeyedByIds, deleteWhere } from './delete-rows.js'
import { idsStoredAgain, recordErased, type ErasedPrediction } from './erased-ids.js'
import { pushAll } from '../arrays.js'

export type SubjectKey = (subjectId: string) => string

export const ERASED_TABLES = ['predictions', 'ground_truth', 'dead_letters'] as const
export type ErasedTable = (typeof ERASED_TABLES)[number]

/** Derived tables the erasure rewrites (rows deleted or rewritten). */
export const DERIVED_TABLES = ['partial_aggregates', 'reference_profiles', 'drift'] as const
export type DerivedTable = (typeof DERIVED_TABLES)[number]

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
  /** Derived rows deleted (partial aggregates) or rewritten (profiles, drift rows); dry run: that would be. */
  readonly derived: Record<DerivedTable, number>
  /** The subject's predictions (model, prediction id): every version deleted. */
  readonly predictionIds: number
  /** Of `rows.predictions`: versions naming the subject of predictions whose current version names another subject (which stays). */
  readonly superseded: { readonly rows: number; readonly predictionIds: number }
  /** Windows marked for re-evaluation (dry run: that would be). */
  readonly windows: number
  /**
   * Labels and dead letters stored again of ids erased earlier with their labels (any subject's),
   * deleted (dry run: found), and those ids; not counted in `rows`.
   */
  readonly stragglers: { readonly rows: Record<KeyedTable, number>; readonly predictionIds: number }
}

/** The tables whose rows are keyed by prediction id (dead letters: by the Kafka key). */
type KeyedTable = Exclude<ErasedTable, 'predictions'>

/** Ids per statement: keeps each query well under ClickHouse's 1 MiB URL / query-size limits. */
const CHUNK = 1000

const chunks = <T>(xs: readonly T[]): T[][] => Array.from({ length: Math.ceil(xs.length / CHUNK) }, (_, i) => xs.slice(i * CHUNK, (i + 1) * CHUNK))

async function select<T>(store: Store, query: string, params: Record<string, unknown>): Promise<T[]> {
  return (await store.client.query({ query: withDatabase(query, store.database), query_params: params, format: 'JSONEachRow' })).json<T>()
}

async function count(store: Store, table: string, where: string, params: Record<string, unknown>): Promise<number> {
  const rows = await select<{ c: string }>(store, `SELECT count() AS c FROM {db}.${table} WHERE ${where}`, params)
  return Number(rows[0]?.c ?? 0)
}

/** Whom a version names (./erase-rule.ts `Named`), decided in ClickHouse so no other subject's id is read. */
const NAMED = "multiIf(subject_id IS NULL, 'none', subject_id = {subject:String}, 'subject', 'other')"
/** The prediction ids with a version naming the subject. A condition on the sorting key: every version of an id passes or none. */
const IDS_OF_SUBJECT = 'prediction_id IN (SELECT prediction_id FROM {db}.predictions WHERE subject_id = {subject:String})'

/** Rows keyed by the ids: labels by prediction_id, dead letters by the Kafka key (the id). */
async function countKeyed(store: Store, ids: readonly string[]): Promise<Record<KeyedTable, number>> {
  const rows: Record<KeyedTable, number> = { ground_truth: 0, dead_letters: 0 }
  for (const part of chunks(ids)) {
    rows.ground_truth += await count(store, 'ground_truth', 'prediction_id IN {ids:Array(String)}', { ids: part })
    const keys = part.map((id) => Buffer.from(id, 'utf8').toString('base64'))
    rows.dead_letters += await count(store, 'dead_letters', 'raw_key_base64 IN {keys:Array(String)}', { keys })
  }
  return rows
}

/**
 * Labels and dead letters stored again of ids erased earlier with their labels, and the stored
 * predictions of those ids (a prediction re-sent without a subject while an instance had not read
 * the record yet): the label counted in their windows, so they are marked.
 */
async function stragglers(store: Store, ids: readonly string[]) {
  const rows = await countKeyed(store, ids)
  const joined: { modelId: string; modelVersion: string; eventTimeMs: number }[] = []
  for (const part of chunks(ids)) {
    const found = await select<{ model_id: string; model_version: string; t: string }>(
      store,
      'SELECT model_id, model_version, toUnixTimestamp64Milli(event_time) AS t FROM {db}.predictions WHERE prediction_id IN {ids:Array(String)}',
      { ids: part },
    )
    pushAll(joined, found.map((v) => ({ modelId: v.model_id, modelVersion: v.model_version, eventTimeMs: Number(v.t) })))
  }
  return { ids, rows, joined }
}

async function plan(store: Store, o: EraseOptions, stored: string) {
  const versions = await select<{ model_id: string; prediction_id: string; model_version: string; t: string; features_cat: Record<string, string>; named: Named }>(
    store,
    `SELECT model_id, prediction_id, model_version, toUnixTimestamp64Milli(event_time) AS t, features_cat, ${NAMED} AS named FROM {db}.predictions WHERE ${IDS_OF_SUBJECT}`,
    { subject: stored },
  )
  // PREWHERE runs before FINAL merges; on the sorting key it keeps whole ids, so FINAL still picks each one's newest version.
  const current = await select<{ model_id: string; prediction_id: string; named: Named }>(
    store,
    `SELECT model_id, prediction_id, ${NAMED} AS named FROM {db}.predictions FINAL PREWHERE ${IDS_OF_SUBJECT}`,
    { subject: stored },
  )
  const r = erasureRows(
    versions.map((v) => ({ modelId: v.model_id, predictionId: v.prediction_id, modelVersion: v.model_version, eventTimeMs: Number(v.t), featuresCat: v.features_cat, named: v.named })),
    current.map((c) => ({ modelId: c.model_id, predictionId: c.prediction_id, named: c.named })),
    (modelId) => o.model(modelId).pii,
  )
  const rows: Record<ErasedTable, number> = { predictions: r.removed.length, ...(await countKeyed(store, r.labelIds)) }
  // Read before this run records its own ids: those are the subject's, counted in `rows`.
  const labelled = new Set(r.labelIds)
  const again = await stragglers(store, (await idsStoredAgain(store)).filter((id) => !labelled.has(id)))
  const windows = erasureWindows([...r.counted, ...again.joined], o.model)
  // The subject's predictions that also have versions not naming the subject: those versions go by id.
  const otherVersions = new Map<string, Set<string>>()
  for (const v of r.removed) if (v.named !== 'subject') otherVersions.set(v.modelId, (otherVersions.get(v.modelId) ?? new Set()).add(v.predictionId))
  const predictionIds = [...r.subjectIds.values()].reduce((n, ids) => n + ids.length, 0)
  const erased: ErasedPrediction[] = [...r.subjectIds].flatMap(([modelId, ids]) => ids.map((id) => ({ modelId, predictionId: id, labelsErased: labelled.has(id) })))
  return { labelIds: r.labelIds, stragglers: again, rows, windows, piiValues: r.piiValues, otherVersions, predictionIds, superseded: r.superseded, erased }
}

/** The windows, grouped by model and version, as WHERE conditions with their parameters. */
function windowConditions(windows: readonly WindowRef[]): { where: string; params: Record<string, unknown> }[] {
  const byVersion = new Map<string, { modelId: string; modelVersion: string; starts: number[] }>()
  for (const w of windows) {
    const k = `${w.modelId}\u0000${w.modelVersion}`
    const g = byVersion.get(k) ?? { modelId: w.modelId, modelVersion: w.modelVersion, starts: [] }
    g.starts.push(w.startMs)
    byVersion.set(k, g)
  }
  return [...byVersion.values()].map((g) => ({
    where: 'model_id = {m:String} AND model_version = {v:String} AND toUnixTimestamp64Milli(window_start) IN {starts:Array(Int64)}',
    params: { m: g.modelId, v: g.modelVersion, starts: g.starts },
  }))
}

/** Baseline profiles of the model with the subject's pii pseudonyms among a pii feature's categories. */
async function profilesWith(store: Store, modelId: string, pii: readonly string[], values: ReadonlySet<string>) {
  const rows = await (
    await store.client.query({
      query: withDatabase('SELECT profile_version, created_at, source, rows, profile FROM {db}.reference_profiles FINAL WHERE model_id = {m:String}', store.database),
      query_params: { m: modelId },
      format: 'JSONEachRow',
    })
  ).json<{ profile_version: string; created_at: string; source: string; rows: string; profile: string }>()
  const changed = []
  for (const row of rows) {
    const profile = JSON.parse(row.profile) as { features: Record<string, { kind: string; count: number; nUnique: number; categories: Record<string, number> }> }
    let touched = false
    for (const f of pii) {
      const feature = profile.features[f]
      if (feature?.kind !== 'categorical') continue
      for (const v of values) {
        if (!Object.hasOwn(feature.categories, v)) continue
        feature.count -= feature.categories[v]!
        delete feature.categories[v]
        feature.nUnique -= 1
        touched = true
      }
    }
    if (touched) changed.push({ ...row, profile: JSON.stringify(profile) })
  }
  return changed
}

async function eraseDerived(store: Store, o: EraseOptions, p: Awaited<ReturnType<typeof plan>>, dryRun: boolean): Promise<Record<DerivedTable, number>> {
  const derived: Record<DerivedTable, number> = { partial_aggregates: 0, reference_profiles: 0, drift: 0 }
  for (const { where, params } of windowConditions(p.windows.own)) {
    derived.partial_aggregates += await count(store, 'partial_aggregates', where, params)
    if (!dryRun) await deleteWhere(store, 'partial_aggregates', where, params)
  }
  for (const [modelId, values] of p.piiValues) {
    const list = [...values]
    const where = 'model_id = {m:String} AND hasAny(unseen_categories, {v:Array(String)})'
    const driftRows = await count(store, 'drift', where, { m: modelId, v: list })
    derived.drift += driftRows
    if (!dryRun && driftRows > 0) {
      await store.client.command({
        query: withDatabase(`ALTER TABLE {db}.drift UPDATE unseen_categories = arrayFilter(c -> NOT has({v:Array(String)}, c), unseen_categories) WHERE ${where}`, store.database),
        query_params: { m: modelId, v: list },
        clickhouse_settings: { mutations_sync: '2' },
      })
    }
    const profiles = await profilesWith(store, modelId, o.model(modelId).pii, values)
    derived.reference_profiles += profiles.length
    if (dryRun) continue
    for (const row of profiles) {
      // Same key, same created_at: delete the old row, then insert the rewritten one.
      await deleteWhere(store, 'reference_profiles', 'model_id = {m:String} AND profile_version = {v:UInt64}', { m: modelId, v: row.profile_version })
      await store.client.insert({ table: withDatabase('{db}.reference_profiles', store.database), format: 'JSONEachRow', values: [{ model_id: modelId, ...row }] })
    }
  }
  return derived
}

const sumDerived = (a: Record<DerivedTable, number>, b: Record<DerivedTable, number>): Record<DerivedTable, number> => ({
  partial_aggregates: a.partial_aggregates + b.partial_aggregates,
  reference_profiles: a.reference_profiles + b.reference_profiles,
  drift: a.drift + b.drift,
})

/**
 * The order makes an interrupted run safe to run again, and a run beside a running evaluator
 * (a ClickHouse server) leave nothing of the subject behind:
 * 1. the windows are marked before any delete: a run that dies after the predictions are deleted
 *    can no longer find them when run again, and an extra mark only makes a window due. The
 *    dependents are found here too: the windows of the ranges that hold stored predictions, the
 *    subject's own among them (those are marked as own windows anyway), so the same set as after
 *    the delete;
 * 2. rows keyed by prediction id (dead letters, labels; the stragglers' too), then derived data,
 *    then the predictions: the versions not naming the subject of the subject's predictions
 *    first, then every version naming the subject in one statement, so that until the end a
 *    re-run finds every id again;
 * 3. derived data again: an evaluator pass between step 2's derived delete and the predictions'
 *    delete rebuilt partial aggregates and unseen categories with the subject's values;
 * 4. the windows marked again: a pass between step 1 and the predictions' delete evaluated them
 *    with the subject and recorded step 1's marks as evaluated.
 * The record of the erased prediction ids (./erased-ids.ts) is written in step 1 too, before any
 * delete: ingest stops storing those ids within its reload interval (src/pipeline/erased-screen.ts), and
 * a run interrupted after the deletes has left it.
 */
export async function eraseSubject(store: Store, o: EraseOptions): Promise<EraseReport> {
  const stored = o.subjectKey(o.subjectId)
  try {
    const p = await plan(store, o, stored)
    const found: WindowRef[] = [...p.windows.own]
    for (const range of p.windows.dependents) pushAll(found, await windowsWithPredictions(store, range, o.model(range.modelId).window))
    const windows = distinctWindows(found)
    const report = {
      rows: p.rows,
      predictionIds: p.predictionIds,
      superseded: p.superseded,
      windows: windows.length,
      stragglers: { rows: p.stragglers.rows, predictionIds: p.stragglers.ids.length },
    }
    if (o.dryRun) return { ...report, derived: await eraseDerived(store, o, p, true) }

    await markWindows(store, windows, 'erasure', `${o.runId}:before`)
    await recordErased(store, p.erased, o.runId)
    await deleteKeyedByIds(store, [...p.labelIds, ...p.stragglers.ids])
    // Derived data before the predictions, so a re-run after an interruption still finds the values.
    const derived = await eraseDerived(store, o, p, false)
    // The versions naming the subject go last, in one statement: until then a re-run finds every id through them.
    for (const [modelId, ids] of p.otherVersions) {
      for (const part of chunks([...ids])) {
        await deleteWhere(store, 'predictions', 'model_id = {m:String} AND prediction_id IN {ids:Array(String)} AND (subject_id IS NULL OR subject_id != {subject:String})', { m: modelId, ids: part, subject: stored })
      }
    }
    await deleteWhere(store, 'predictions', 'subject_id = {subject:String}', { subject: stored })
    const rebuilt = await eraseDerived(store, o, p, false)
    await markWindows(store, windows, 'erasure', `${o.runId}:after`)
    return { ...report, derived: sumDerived(derived, rebuilt) }
  } catch (cause) {
    if (cause instanceof DriftwatchError && !cause.retriable) throw cause
    throw new DriftwatchError('DW_CLICKHOUSE_UNAVAILABLE', `erasure failed (it is safe to run again): ${(cause as Error).message}`, { cause, retriable: true })
  }
}
