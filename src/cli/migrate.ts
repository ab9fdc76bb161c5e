import type { RuntimeConfig } from '../config/env.js'
import { openStore } from '../store/clickhouse.js'
import { migrate } from '../store/migrate.js'

export async function runMigrate(config: RuntimeConfig): Promise<number> {
  const store = openStore(config.clickhouse)
  try {
    const { applied, alreadyApplied } = await migrate(store)
    process.stdout.write(
      `ClickHouse ${store.kind} at ${store.location}, database ${store.database}: ` +
        `${applied.length} migration(s) applied${applied.length ? ` (${applied.join(', ')})` : ''}, ${alreadyApplied} already applied\n`,
    )
    return 0
  } finally {
    await store.close()
  }
}
