/**
 * Retention is a setting of the service: `driftwatch start` sets every table's TTL from its
 * driftwatch.yaml (src/store/retention.ts). Regression: an embedded `backfill labels`, run from a
 * directory whose driftwatch.yaml (or the embedded defaults) had another retention, replaced the
 * TTLs of the whole database with its own, and a merge then deleted the rows older than that.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { startApp } from '../src/app.js'
import { parseFileConfig } from '../src/config/file.js'
import { createLogger } from '../src/observability/logger.js'
import { runBackfillLabels } from '../src/cli/backfill.js'
import { openStore } from '../src/store/clickhouse.js'
import { queryRows } from '../src/store/query.js'
import { storedTtl } from '../src/store/retention.js'
import { dropTestResources, testConfig } from './support/config.js'

const DAY_S = 86_400

describe('backfill labels leaves the retention alone', () => {
  const config = testConfig({ kafka: false })
  const dir = mkdtempSync(join(tmpdir(), 'dw-backfill-retention-'))
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true })
    await dropTestResources(config)
  })

  async function ttlDays(): Promise<Record<string, number | null>> {
    const store = openStore(config.clickhouse)
    try {
      const rows = await queryRows<{ name: string; engine_full: string }>(store, 'SELECT name, engine_full FROM system.tables WHERE database = {d:String} ORDER BY name', { d: store.database }, 'reading the TTLs')
      return Object.fromEntries(rows.map((r) => [r.name, ((s) => (s ? s.seconds / DAY_S : null))(storedTtl(r.engine_full))]))
    } finally {
      await store.close()
    }
  }

  it('an embedded backfill with a driftwatch.yaml of another retention keeps every TTL the service set', async () => {
    // The service's start sets raw 400d / metrics 800d.
    const service = await startApp(config, createLogger('error'), { file: parseFileConfig('retention: { raw: 400d, metrics: 800d }', 'service.yaml'), consume: false, evaluate: false, alerts: false })
    await service.stop()
    const before = await ttlDays()
    expect(before['ground_truth']).toBe(400)
    expect(before['drift']).toBe(800)

    const file = join(dir, 'labels.csv')
    writeFileSync(file, `prediction_id,label,label_time\np-1,approve,${Date.now() - DAY_S * 1000}\n`)
    const lines: string[] = []
    const say = (l: string) => lines.push(l)
    const quiet = () => ({ increment() {}, stop() {} })
    // The backfill's own driftwatch.yaml: the embedded defaults' retention, 90d / 730d.
    const code = await runBackfillLabels(config, { file }, { out: say, err: say, progress: quiet, file: parseFileConfig('retention: { raw: 90d, metrics: 730d }', 'elsewhere.yaml') })
    expect(code, lines.join('\n')).toBe(0)
    expect(lines).toContainEqual(expect.stringMatching(/^done: all 1 row\(s\) of .* are acknowledged/))

    expect(await ttlDays()).toEqual(before)
  })
})
