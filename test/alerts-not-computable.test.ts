/**
 * A drift row with enough rows whose deciding statistic could not be computed (status
 * 'not_computable', src/metrics/drift/decide.ts) gives an alert rule no value, as an
 * 'insufficient' one does (src/alerts/metric-points.ts): the statistics it still holds and its NaN
 * score must neither fire nor resolve an alert. Read from real ClickHouse tables (chDB).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadPoints } from '../src/alerts/metric-points.js'
import { parseFileConfig } from '../src/config/file.js'
import { parseRuleFile } from '../src/rules/parse.js'
import { openStore, type Store } from '../src/store/clickhouse.js'
import { migrate } from '../src/store/migrate.js'
import { withDatabase } from '../src/store/query.js'
import { clickhouseDateTime64 } from '../src/store/rows.js'
import { dropTestResources, testConfig } from './support/config.js'

const DAY = 86_400_000
const today = Math.floor(Date.now() / DAY)
const window = (d: number) => ({
  model_id: 'm', model_version: 'v1', window_start: clickhouseDateTime64((today - 10 + d) * DAY), window_end: clickhouseDateTime64((today - 9 + d) * DAY), eval_version: 1,
})
const rule = (yaml: string) => parseRuleFile(`rules:\n  - name: r\n${yaml}    condition: { op: '>', threshold: 0 }\n`, 'r.yaml').rules[0]!

describe('alert values of a not_computable drift row', () => {
  const config = testConfig({ kafka: false })
  let store: Store

  beforeAll(async () => {
    store = openStore(config.clickhouse)
    await migrate(store)
    // Two windows of a feature's row: one judged, one whose deciding distance came out NaN.
    const feature = (d: number, status: string, extra: object) => ({
      ...window(d), target: 'feature', column: 'x', column_kind: 'categorical', method: 'jensenshannon', threshold: 0.1,
      n_reference: 2000, n_current: 2000, unseen_categories: [], status, ...extra,
    })
    await store.client.insert({
      table: withDatabase('{db}.drift', store.database),
      format: 'JSONEachRow',
      values: [
        feature(1, 'ok', { score: 0.2, p_value: null, p_value_adjusted: null, drift_detected: 1, statistics: { jensenshannon: 0.2, linf: 0.3 } }),
        feature(2, 'not_computable', { score: 'nan', p_value: null, p_value_adjusted: null, drift_detected: null, statistics: { linf: 0.4 } }),
      ],
    })
  })
  afterAll(async () => {
    await store?.close()
    await dropTestResources(config)
  })

  it('every statistic of the not_computable window is no value; the judged window keeps its own', async () => {
    const file = parseFileConfig('models:\n  - id: m\n    window: 1d\n', 'x.yaml')
    for (const statistic of ['linf', 'score', 'drift_detected']) {
      const points = await loadPoints(store, rule(`    metric: drift\n    statistic: ${statistic}\n`), file, Date.now())
      const byDay = Object.fromEntries(points.map((p) => [p.windowStartMs / DAY - (today - 10), p.value]))
      expect(byDay[2], statistic).toBeNull()
      expect(byDay[1], statistic).not.toBeNull()
    }
  })
})
