/**
 * The check of ./model-settings.ts at every start through startApp (src/app.ts), and of the
 * commands that write (src/cli/maintenance-store.ts), after the migrations and before anything
 * consumes, evaluates or writes: reads the recorded settings (model_settings) and the stored
 * window sizes (window_state), looks up stored rows where they decide, compares the
 * pseudonymization key with the one recorded (pseudonymization_key), and then refuses
 * (DW_CONFIG_INVALID, exit 2, every problem listed), warns, and records the configured settings
 * and the key. A first start on a database from before model_settings records the sizes found in
 * window_state; a fresh one records the configuration. A first start on a database from before
 * pseudonymization_key records its key.
 *
 * Three small queries at each start: model_settings (a row per model), window_state grouped by
 * model (a row per window) and the newest recorded key. Only where they decide: for a model whose
 * recorded settings changed and that has no window yet, whether a prediction or a baseline of it
 * is stored (primary-key lookups); for a key that differs from the recorded one, whether
 * pseudonyms are stored; and after recording a key, the keys recorded since (a start beside it).
 */
import { randomUUID } from 'node:crypto'
import { DEFAULT_FILE_CONFIG, type FileConfig } from '../config/file.js'
import { DriftwatchError } from '../errors.js'
import type { Store } from './clickhouse.js'
import { insertRows } from './insert.js'
import { checkModelSettings, checkPseudonymizationKey, concurrentKeyProblem, rowLookups, type KeyCheck, type ModelSettings, type StoredModel } from './model-settings.js'
import type { KeyInUse } from './pseudonymize.js'
import { queryRows } from './query.js'

/** Where the warnings go: the app's logger (pino's `warn(fields, message)`). */
export interface ModelSettingsLogger {
  warn(fields: object, message: string): void
}

const WHAT = 'reading the stored model settings'

async function recordedSettings(store: Store): Promise<Map<string, ModelSettings>> {
  const rows = await queryRows<{ model_id: string; window_ms: string | number; pii: string[] }>(store, 'SELECT model_id, window_ms, pii FROM {db}.model_settings FINAL', {}, WHAT)
  return new Map(rows.map((r) => [r.model_id, { windowMs: Number(r.window_ms), pii: [...r.pii].sort() }]))
}

/** Without FINAL: a window of another size that replaced one at the same start still counts until a merge. */
async function storedWindowSizes(store: Store): Promise<Map<string, number[]>> {
  const rows = await queryRows<{ model_id: string; sizes: (string | number)[] }>(store, 'SELECT model_id, groupUniqArray(window_ms) AS sizes FROM {db}.window_state GROUP BY model_id', {}, WHAT)
  return new Map(rows.map((r) => [r.model_id, r.sizes.map(Number)]))
}

async function hasRows(store: Store, modelId: string): Promise<boolean> {
  const rows = await queryRows<{ n: string | number }>(
    store,
    `SELECT (SELECT count() FROM (SELECT 1 FROM {db}.predictions WHERE model_id = {m:String} LIMIT 1))
          + (SELECT count() FROM (SELECT 1 FROM {db}.reference_profiles WHERE model_id = {m:String} LIMIT 1)) AS n`,
    { m: modelId },
    WHAT,
  )
  return Number(rows[0]?.n ?? 0) > 0
}

interface RecordedKey {
  readonly fingerprint: string
  readonly atMs: number
}

/** The newest; ties (two starts in one millisecond) go to the greatest fingerprint, the same for every reader. */
async function recordedKey(store: Store): Promise<RecordedKey | null> {
  const rows = await queryRows<{ fingerprint: string; at_ms: string | number }>(
    store,
    'SELECT fingerprint, toUnixTimestamp64Milli(recorded_at) AS at_ms FROM {db}.pseudonymization_key ORDER BY recorded_at DESC, fingerprint DESC LIMIT 1',
    {},
    WHAT,
  )
  return rows[0] ? { fingerprint: rows[0].fingerprint, atMs: Number(rows[0].at_ms) } : null
}

/** The fingerprints recorded after `sinceMs`: this start's, and those of starts beside it. */
async function keysRecordedSince(store: Store, sinceMs: number): Promise<string[]> {
  const rows = await queryRows<{ fingerprint: string }>(store, 'SELECT DISTINCT fingerprint FROM {db}.pseudonymization_key WHERE toUnixTimestamp64Milli(recorded_at) > {since:Int64}', { since: sinceMs }, WHAT)
  return rows.map((r) => r.fingerprint)
}

/** A subject id stored, or a prediction or baseline of a model with pii features (`piiModels`). */
async function pseudonymsStored(store: Store, piiModels: readonly string[]): Promise<boolean> {
  const rows = await queryRows<{ n: string | number }>(
    store,
    `SELECT (SELECT count() FROM (SELECT 1 FROM {db}.predictions WHERE isNotNull(subject_id) LIMIT 1))
          + (SELECT count() FROM (SELECT 1 FROM {db}.predictions WHERE has({m:Array(String)}, model_id) LIMIT 1))
          + (SELECT count() FROM (SELECT 1 FROM {db}.reference_profiles WHERE has({m:Array(String)}, model_id) LIMIT 1)) AS n`,
    { m: piiModels },
    WHAT,
  )
  return Number(rows[0]?.n ?? 0) > 0
}

/** The models with pii features, recorded or configured. */
const piiModels = (file: FileConfig, recorded: ReadonlyMap<string, ModelSettings>): string[] =>
  [...new Set([...[...recorded].filter(([, s]) => s.pii.length > 0).map(([id]) => id), ...file.models.filter((m) => m.pii.length > 0).map((m) => m.id)])]

/** The key against the newest recorded one; stored pseudonyms are looked up only when it differs. */
async function keyCheck(store: Store, key: KeyInUse, file: FileConfig, recorded: ReadonlyMap<string, ModelSettings>, newest: RecordedKey | null): Promise<KeyCheck> {
  const differs = newest !== null && newest.fingerprint !== key.fingerprint
  return checkPseudonymizationKey(key, { recorded: newest?.fingerprint ?? null, pseudonymsStored: differs && (await pseudonymsStored(store, piiModels(file, recorded))) }, store.database)
}

/**
 * Refuses a configuration that contradicts what the store holds, warns where it only degrades
 * it, and records the settings. `configFile` names the file in messages (DRIFTWATCH_CONFIG, or
 * driftwatch.yaml); `file` is DEFAULT_FILE_CONFIG itself when no file was found (loadFileConfig).
 */
export async function guardModelSettings(store: Store, file: FileConfig, configFile: string | null, logger: ModelSettingsLogger, key: KeyInUse): Promise<void> {
  const recorded = await recordedSettings(store)
  const windowSizes = await storedWindowSizes(store)
  const withRows = new Set<string>()
  for (const id of rowLookups(file, recorded, windowSizes)) if (await hasRows(store, id)) withRows.add(id)
  const stored = new Map<string, StoredModel>()
  for (const id of new Set([...recorded.keys(), ...windowSizes.keys()])) {
    stored.set(id, { recorded: recorded.get(id) ?? null, windowSizes: windowSizes.get(id) ?? [], hasRows: withRows.has(id) })
  }
  const check = checkModelSettings(file, stored, { path: configFile ?? 'driftwatch.yaml', found: file !== DEFAULT_FILE_CONFIG })
  const newestKey = await recordedKey(store)
  const keyed = await keyCheck(store, key, file, recorded, newestKey)
  refuseOn(store, [...check.problems, ...(keyed.problem === null ? [] : [keyed.problem])])
  for (const w of check.warnings) logger.warn({ model: w.modelId }, w.message)
  const rows = check.record.map((r) => ({ model_id: r.modelId, window_ms: r.settings.windowMs, pii: r.settings.pii }))
  // A token of its own: settings changed back to earlier ones are recorded again, never deduplicated away.
  await insertRows(store, 'model_settings', rows, `model_settings:${randomUUID()}`)
  if (keyed.record) {
    await insertRows(store, 'pseudonymization_key', [{ fingerprint: key.fingerprint }], `pseudonymization_key:${randomUUID()}`)
    // Read back: a start beside this one may have recorded another key since the newest read
    // above. Of two such starts the later reader refuses (both do when both read after both records).
    const problem = concurrentKeyProblem(key, await keysRecordedSince(store, newestKey?.atMs ?? -1), store.database)
    refuseOn(store, problem === null ? [] : [problem])
  }
}

function refuseOn(store: Store, problems: readonly string[]): void {
  if (problems.length === 0) return
  throw new DriftwatchError('DW_CONFIG_INVALID', `the configuration does not match what database ${store.database} stores:\n  ${problems.join('\n  ')}`, { problems })
}
