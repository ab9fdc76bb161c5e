import type { ClickHouseClient } from '@clickhouse/client'
import { describe, expect, it } from 'vitest'
import { parameterStringSet, type Store } from '../store/clickhouse.js'
import { instrumentStore, tableLabel } from './instrument-store.js'
import { createMetrics } from './metrics.js'

function fakeStore(fail: () => boolean): Store {
  const client = {
    insert: async () => {
      if (fail()) throw new Error('ECONNREFUSED')
      return { executed: true, query_id: 'q' }
    },
    query: async () => 'queried',
  } as unknown as ClickHouseClient
  const insertRowBinary = async () => {
    if (fail()) throw new Error('ECONNREFUSED')
  }
  return { client, kind: 'chdb', database: 'db', location: '/tmp', insertRowBinary, withStringSet: parameterStringSet, streamRowBinary: async () => undefined, close: async () => undefined }
}

describe('instrumentStore', () => {
  it('times inserts by table and counts the failed ones; queries pass through', async () => {
    const m = createMetrics({ processMetrics: false })
    let down = false
    const store = instrumentStore(fakeStore(() => down), m)
    await store.client.insert({ table: 'db.predictions', values: [{}], format: 'JSONEachRow' })
    down = true
    await expect(store.client.insert({ table: 'db.predictions', values: [{}], format: 'JSONEachRow' })).rejects.toThrow('ECONNREFUSED')
    expect(await (store.client.query as unknown as () => Promise<string>)()).toBe('queried')
    const durations = (await m.registry.getSingleMetric('driftwatch_clickhouse_write_duration_seconds')!.get()).values
    expect(durations.find((v) => (v as { metricName?: string }).metricName?.endsWith('_count') && v.labels['table'] === 'predictions')?.value).toBe(2)
    const errors = (await m.registry.getSingleMetric('driftwatch_clickhouse_write_errors_total')!.get()).values
    expect(errors).toEqual([expect.objectContaining({ value: 1, labels: { table: 'predictions' } })])
  })

  it('times the row inserts of the ingest path the same way', async () => {
    const m = createMetrics({ processMetrics: false })
    let down = false
    const store = instrumentStore(fakeStore(() => down), m)
    await store.insertRowBinary('ground_truth', { columns: ['prediction_id'], structure: 'prediction_id String' }, Buffer.from('\x02p1'), 't1')
    down = true
    await expect(store.insertRowBinary('ground_truth', { columns: ['prediction_id'], structure: 'prediction_id String' }, Buffer.from('\x02p1'), 't2')).rejects.toThrow('ECONNREFUSED')
    const durations = (await m.registry.getSingleMetric('driftwatch_clickhouse_write_duration_seconds')!.get()).values
    expect(durations.find((v) => (v as { metricName?: string }).metricName?.endsWith('_count') && v.labels['table'] === 'ground_truth')?.value).toBe(2)
    const errors = (await m.registry.getSingleMetric('driftwatch_clickhouse_write_errors_total')!.get()).values
    expect(errors).toEqual([expect.objectContaining({ value: 1, labels: { table: 'ground_truth' } })])
  })

  it('is the store itself without metrics', () => {
    const store = fakeStore(() => false)
    expect(instrumentStore(store, undefined)).toBe(store)
  })

  it.each([
    ['db.window_marks', 'window_marks'],
    ['predictions', 'predictions'],
    [undefined, 'unknown'],
  ])('table label of %s is %s', (table, label) => {
    expect(tableLabel(table)).toBe(label)
  })
})
