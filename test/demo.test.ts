/**
 * The demo on real Kafka: `driftwatch demo` with KAFKA_BROKERS set goes through the broker and
 * the registry, and its results show the injected income drift, the fairness gap between the
 * groups, and the alerts the default rules fire; it leaves its driftwatch.yaml and an HTML report,
 * and prints the exact commands that show its results (status, the web UI).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { parseFileConfig } from '../src/config/file.js'
import { demoUiUrl, runDemo } from '../src/cli/demo.js'
import { openStore, type Store } from '../src/store/clickhouse.js'
import { testConfig } from './support/config.js'
import { queryRows } from './support/query.js'

describe('driftwatch demo on Kafka', () => {
  const config = testConfig({ partitions: 3 })
  let store: Store | null = null
  afterAll(async () => {
    await store?.close()
  })

  it('detects the injected drift, the fairness gap and fires alerts', { timeout: 240_000 }, async () => {
    const printed: string[] = []
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (printed.push(String(chunk)), true))
    let code: number
    try {
      code = await runDemo(config, { days: '14', perDay: '1000', seed: '42' })
    } finally {
      write.mockRestore()
    }
    expect(code).toBe(0)
    expect(printed.join('')).toMatch(/driftwatch demo: kafka mode/)
    // It leaves its settings and an HTML report, and says how to open the UI on its data.
    const demoDir = join(config.clickhouse.dataDir, 'demo')
    expect(parseFileConfig(readFileSync(join(demoDir, 'driftwatch.yaml'), 'utf8'), 'demo').models.map((m) => m.id)).toEqual(['loan-approval'])
    const html = readFileSync(join(demoDir, 'report.html'), 'utf8')
    expect(html).toMatch(/data-chart="distribution:income"/)
    expect(html).toMatch(/data-chart="fairness:group"/)
    // The exact commands, on its database, settings and data directory: status first, then the UI.
    const settings = `DRIFTWATCH_DATA_DIR=${config.clickhouse.dataDir} DRIFTWATCH_CONFIG=${join(demoDir, 'driftwatch.yaml')} CLICKHOUSE_DATABASE=${config.clickhouse.database}_demo`
    expect(printed.join('')).toContain(`see the results in a terminal:\n  ${settings} npx driftwatch status\n`)
    expect(printed.join('')).toContain(`  ${settings} npx driftwatch start\n  and open ${demoUiUrl(config.http)!} `)

    store = openStore({ ...config.clickhouse, database: `${config.clickhouse.database}_demo` })
    const drifted = await queryRows<{ column: string; first: string }>(
      store,
      `SELECT column, toString(toDate(min(window_start))) AS first FROM {db}.drift FINAL WHERE target = 'feature' AND drift_detected = 1 AND model_version = 'v1' GROUP BY column ORDER BY column`,
    )
    expect(drifted.map((d) => d.column)).toEqual(expect.arrayContaining(['income', 'employment']))
    const [before] = await queryRows<{ n: string }>(
      store,
      `SELECT count() AS n FROM {db}.drift FINAL WHERE target = 'feature' AND column = 'income' AND drift_detected = 1 AND model_version = 'v1' AND window_start < (SELECT min(window_start) + INTERVAL 9 DAY FROM {db}.window_summary)`,
    )
    expect(before!.n).toBe('0') // no income drift before the injection day

    const [gap] = await queryRows<{ di: number }>(store, `SELECT avg(value) AS di FROM {db}.fairness FINAL WHERE attribute = 'group' AND metric = 'disparate_impact_ratio' AND model_version = 'v1'`)
    expect(gap!.di).toBeLessThan(0.8)

    const alerts = await queryRows<{ rule: string; subject: string }>(store, `SELECT DISTINCT rule, subject FROM {db}.alerts WHERE status = 'firing' ORDER BY rule, subject`)
    expect(alerts).toEqual(expect.arrayContaining([{ rule: 'feature-drift-psi', subject: 'income' }, { rule: 'disparate-impact', subject: 'group' }]))
  })
})
