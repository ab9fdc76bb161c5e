/**
 * For tests whose pipeline ran in a child process on a chDB directory (which belongs to one
 * process at a time): once that child has exited, starts the app on the same directory (from the
 * same environment, through startApp, consuming nothing), runs evaluator passes until one finds no
 * due window, then runs one query and prints
 *   { "passes": [windows evaluated by each pass], "rows": [...] }
 * as JSON. A window the child had already evaluated is not due, so this completes the
 * evaluation the child was doing; it recomputes nothing.
 *   tsx test/support/evaluate-until-idle.ts <sql with {db}>      (environment: as for driftwatch start)
 */
import { startApp } from '../../src/app.js'
import { loadRuntimeConfig } from '../../src/config/env.js'
import { createLogger } from '../../src/observability/logger.js'
import { withDatabase } from '../../src/store/query.js'

const MAX_PASSES = 20
const sql = process.argv[2]!
const config = loadRuntimeConfig(process.env)
const app = await startApp(config, createLogger('error'), { consume: false, evaluate: false, alerts: false })
try {
  const passes: number[] = []
  for (;;) {
    const { evaluated } = await app.evaluator.evaluateNow()
    passes.push(evaluated)
    if (evaluated === 0) break
    if (passes.length >= MAX_PASSES) throw new Error(`windows still due after ${MAX_PASSES} evaluator passes: ${passes.join(', ')}`)
  }
  const result = await app.store.client.query({ query: withDatabase(sql, app.store.database), format: 'JSONEachRow' })
  process.stdout.write(JSON.stringify({ passes, rows: await result.json() }))
} finally {
  await app.stop()
}
