/**
 * A process that opens the embedded engine on the data directory given, runs the migrations (their
 * inserts) and one insert, and prints what schema_migrations and window_marks hold. Run by
 * test/engine-stdin.test.ts with a standard input of its choosing.
 */
import { openStore } from '../../src/store/clickhouse.js'
import { insertRows } from '../../src/store/insert.js'
import { migrate } from '../../src/store/migrate.js'
import { queryRows } from './query.js'

const store = openStore({ url: null, user: 'default', password: '', database: 'stdin_probe', dataDir: process.argv[2]! })
try {
  await migrate(store)
  await insertRows(store, 'window_marks', [{ model_id: 'm', model_version: 'v', window_start: '2026-01-01 00:00:00.000', window_ms: 3_600_000, reason: 'recompute' }], 'stdin-probe')
  const names = (await queryRows<{ name: string }>(store, 'SELECT name FROM {db}.schema_migrations FINAL ORDER BY version')).map((r) => r.name)
  const marks = (await queryRows<{ model_id: string }>(store, 'SELECT model_id FROM {db}.window_marks')).map((r) => r.model_id)
  console.log(JSON.stringify({ names, marks }))
} finally {
  await store.close()
}
