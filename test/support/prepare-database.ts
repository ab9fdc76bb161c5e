/**
 * For tests whose pipeline runs in a child process on a chDB directory: before the child starts,
 * creates the database (startApp migrates it, consuming nothing) and runs the given statements
 * against it, e.g. table settings that make a failure visible. Prints nothing.
 *   tsx test/support/prepare-database.ts <statement with {db}>...    (environment: as for driftwatch start)
 */
import { startApp } from '../../src/app.js'
import { loadRuntimeConfig } from '../../src/config/env.js'
import { createLogger } from '../../src/observability/logger.js'
import { withDatabase } from '../../src/store/query.js'

const app = await startApp(loadRuntimeConfig(process.env), createLogger('error'), { consume: false, evaluate: false, alerts: false })
try {
  for (const statement of process.argv.slice(2)) await app.store.client.command({ query: withDatabase(statement, app.store.database) })
} finally {
  await app.stop()
}
