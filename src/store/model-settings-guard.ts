/**
 * The check of ./model-settings.ts at every start through startApp (src/app.ts), after the
 * migrations and before anything consumes, evaluates or writes: reads the recorded settings
 * (model_settings) and the stored window sizes (window_state), looks up stored rows where they
 * decide, and then refuses (DW_CONFIG_INVALID, exit 2, every problem listed), warns, and records
 * the configured settings. A first start on a database from before model_settings records the
 * sizes found in window_state; a fresh one records the configuration.
 *
 * Three small queries at each start: model_settings (a row per model), window_state grouped by
 * model (a row per window), and, only for a model whose recorded settings changed and that has no
 * window yet, whether a prediction or a baseline of it is stored (primary-key lookups).
 */
import { randomUUID } from 'node:crypto'
import { DEFAULT_FILE_CONFIG, type FileConfig } from '../config/file.js'
import { DriftwatchError } from '../errors.js'
import type { Store } from './clickhouse.js'
import { insertRows } from './insert.js'
import { checkModelSettings, rowLookups, type ModelSettings, type StoredModel } from './model-settings.js'
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

/**
 * Refuses a configuration that contradicts what the store holds, warns where it only degrades
 * it, and records the settings. `configFile` names the file in messages (DRIFTWATCH_CONFIG, or
 * driftwatch.yaml); `file` is DEFAULT_FILE_CONFIG itself when no file was found (loadFileConfig).
 */
export async function guardModelSettings(store: Store, file: FileConfig, configFile: string | null, logger: ModelSettingsLogger): Promise<void> {
  const recorded = await recordedSettings(store)
  const windowSizes = await storedWindowSizes(store)
  const withRows = new Set<string>()
  for (const id of rowLookups(file, recorded, windowSizes)) if (await hasRows(store, id)) withRows.add(id)
  const stored = new Map<string, StoredModel>()
  for (const id of new Set([...recorded.keys(), ...windowSizes.keys()])) {
    stored.set(id, { recorded: recorded.get(id) ?? null, windowSizes: windowSizes.get(id) ?? [], hasRows: withRows.has(id) })
  }
  const check = checkModelSettings(file, stored, { path: configFile ?? 'driftwatch.yaml', found: file !== DEFAULT_FILE_CONFIG })
  if (check.problems.length > 0) {
    throw new DriftwatchError('DW_CONFIG_INVALID', `the configuration does not match what database ${store.database} stores:\n  ${check.problems.join('\n  ')}`, { problems: check.problems })
  }
  for (const w of check.warnings) logger.warn({ model: w.modelId }, w.message)
  const rows = check.record.map((r) => ({ model_id: r.modelId, window_ms: r.settings.windowMs, pii: r.settings.pii }))
  // A token of its own: settings changed back to earlier ones are recorded again, never deduplicated away.
  await insertRows(store, 'model_settings', rows, `model_settings:${randomUUID()}`)
}
