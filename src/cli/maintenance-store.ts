/**
 * ClickHouse for the maintenance commands (erase, recompute, baseline): opened, migrated (idempotent, as at
 * start), and on failure explained. In embedded mode chDB holds its data directory in one process,
 * so these commands cannot run while `driftwatch start` has it open: stop it first, or use a
 * ClickHouse server (CLICKHOUSE_URL), where they run beside the service. A data folder that cannot
 * be written is the user's DW_FILE_* error, as at start.
 */
import type { RuntimeConfig } from '../config/env.js'
import { DriftwatchError, isDriftwatchError } from '../errors.js'
import type { openStore as OpenStore, Store } from '../store/clickhouse.js'
import { migrate } from '../store/migrate.js'
import { guardModelSettings, type ModelSettingsLogger } from '../store/model-settings-guard.js'
import { keyInUse } from '../store/pseudonymize.js'
import type { FileConfig } from '../config/file.js'
import { fileError } from './files.js'

/**
 * With `settings`, the command's driftwatch.yaml is checked against the per-model settings the
 * store recorded, and its pseudonymization key against the recorded one
 * (src/store/model-settings-guard.ts), as at start: a recompute or an erasure marks windows of the
 * configured size, and one that contradicts the stored windows would mix sizes; an erasure under
 * another key finds none of the subject's rows, and a baseline stores its pii values as
 * pseudonyms under it.
 */
export async function openForMaintenance(config: RuntimeConfig, open: typeof OpenStore, settings?: { readonly file: FileConfig; readonly logger: ModelSettingsLogger }): Promise<Store> {
  let store: Store | null = null
  try {
    store = open(config.clickhouse)
    await migrate(store)
    if (settings) await guardModelSettings(store, settings.file, config.configFile, settings.logger, keyInUse(config))
    return store
  } catch (cause) {
    await store?.close().catch(() => undefined)
    // The configuration contradicts the stored settings: already one line per problem.
    if (isDriftwatchError(cause) && cause.code === 'DW_CONFIG_INVALID') throw cause
    // Already says who holds the directory and what to do instead.
    if (isDriftwatchError(cause) && (cause.code === 'DW_DATA_DIR_LOCKED' || cause.code.startsWith('DW_FILE_'))) throw cause
    // A server that cannot be reached already says so and names CLICKHOUSE_URL (store/migrate.ts).
    if (isDriftwatchError(cause) && cause.code === 'DW_CLICKHOUSE_UNAVAILABLE' && config.clickhouse.url) throw cause
    // The data folder cannot be made or written (a file in the way, permissions): the user's setting, not a busy engine.
    const path = (cause as NodeJS.ErrnoException | null)?.path
    if (typeof path === 'string') {
      const mapped = fileError(cause, path, 'file', 'write')
      if (isDriftwatchError(mapped)) throw new DriftwatchError(mapped.code, `DRIFTWATCH_DATA_DIR ${config.clickhouse.dataDir}: ${mapped.message}`, { cause, path })
    }
    const hint = config.clickhouse.url ? '' : ` (embedded mode: is \`driftwatch start\` running on ${config.clickhouse.dataDir}? chDB's data directory is open in one process at a time; stop it first)`
    const message = isDriftwatchError(cause) ? cause.message : (cause as Error).message
    throw new DriftwatchError('DW_CLICKHOUSE_UNAVAILABLE', `cannot open ClickHouse: ${message}${hint}`, { cause, retriable: true })
  }
}
