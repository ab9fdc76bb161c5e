import { describe, expect, it } from 'vitest'
import { storedTtl, ttlStatements } from './retention.js'

const DAY = 86_400_000

describe('ttlStatements', () => {
  it('counts from when a row was stored, not from event time, and never rewrites existing parts', () => {
    const s = ttlStatements('dw', { rawMs: 90 * DAY, metricsMs: 730 * DAY })
    expect(s).toContain('ALTER TABLE dw.predictions MODIFY TTL toDateTime(ingested_at) + INTERVAL 7776000 SECOND SETTINGS materialize_ttl_after_modify = 0')
    expect(s).toContain('ALTER TABLE dw.ground_truth MODIFY TTL toDateTime(ingested_at) + INTERVAL 7776000 SECOND SETTINGS materialize_ttl_after_modify = 0')
    expect(s).toContain('ALTER TABLE dw.drift MODIFY TTL toDateTime(intDiv(eval_version, 1000)) + INTERVAL 63072000 SECOND SETTINGS materialize_ttl_after_modify = 0')
    expect(s).toContain('ALTER TABLE dw.alerts MODIFY TTL toDateTime(changed_at) + INTERVAL 63072000 SECOND SETTINGS materialize_ttl_after_modify = 0')
    expect(s).toHaveLength(18)
  })

  it('keeps a retention that is not whole days to the second, rounding up', () => {
    const s = ttlStatements('dw', { rawMs: 1.5 * DAY, metricsMs: 730 * DAY + 1 })
    expect(s).toContain('ALTER TABLE dw.predictions MODIFY TTL toDateTime(ingested_at) + INTERVAL 129600 SECOND SETTINGS materialize_ttl_after_modify = 0')
    expect(s).toContain('ALTER TABLE dw.alerts MODIFY TTL toDateTime(changed_at) + INTERVAL 63072001 SECOND SETTINGS materialize_ttl_after_modify = 0')
  })
})

describe('storedTtl', () => {
  it('reads the TTL back from engine_full as ClickHouse writes it', () => {
    expect(storedTtl('ReplacingMergeTree(ingested_at) PARTITION BY toYYYYMM(event_time) ORDER BY (model_id, prediction_id) TTL toDateTime(ingested_at) + toIntervalSecond(129600) SETTINGS non_replicated_deduplication_window = 10000, index_granularity = 8192'))
      .toEqual({ time: 'toDateTime(ingested_at)', seconds: 129600 })
    expect(storedTtl('ReplacingMergeTree(eval_version) ORDER BY (model_id) TTL toDateTime(intDiv(eval_version, 1000)) + toIntervalSecond(63072000)')).toEqual({ time: 'toDateTime(intDiv(eval_version, 1000))', seconds: 63072000 })
    expect(storedTtl('ReplacingMergeTree(version) ORDER BY id SETTINGS index_granularity = 8192')).toBeNull()
  })
})
