/**
 * ClickHouse for the maintenance commands (erase, recompute): opened, migrated (idempotent, as at
 * start), and on failure explained. In embedded mode chDB holds its data directory in one process,
 * so these commands cannot run while `driftwatch start` has it open: stop it first, or use a
 * ClickHouse server (CLICKHOUSE_URL), where they run beside the service.
 */
import type { RuntimeConfig } from '../config/env.js'
import { DriftwatchError, isDriftwatchError } from '../errors.js'
import type { openStore as OpenStore, Store } from '../store/clickhouse.js'
import { migrate } from '../store/migrate.js'

export async function openForMaintenance(config: RuntimeConfig, open: typeof OpenStore): Promise<Store> {
  let store: Store | null = null
  try {
    store = open(config.clickhouse)
    await migrate(store)
    return store
  } catch (cause) {
    await store?.close().catch(() => undefined)
    // Already says who holds the directory and what to do instead.
    if (isDriftwatchError(cause) && cause.code === 'DW_DATA_DIR_LOCKED') throw cause
    const hint = config.clickhouse.url ? '' : ` (embedded mode: is \`driftwatch start\` running on ${config.clickhouse.dataDir}? chDB's data directory is open in one process at a time; stop it first)`
    const message = isDriftwatchError(cause) ? cause.message : (cause as Error).message
    throw new DriftwatchError('DW_CLICKHOUSE_UNAVAILABLE', `cannot open ClickHouse: ${message}${hint}`, { cause, retriable: true })
  }
}
