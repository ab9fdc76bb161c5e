import { describe, expect, it } from 'vitest'
import { ttlStatements } from './retention.js'

describe('ttlStatements', () => {
  it('counts from when a row was stored, not from event time, and never rewrites existing parts', () => {
    const s = ttlStatements('dw', { rawDays: 90, metricsDays: 730 })
    expect(s).toContain('ALTER TABLE dw.predictions MODIFY TTL toDateTime(ingested_at) + INTERVAL 90 DAY SETTINGS materialize_ttl_after_modify = 0')
    expect(s).toContain('ALTER TABLE dw.ground_truth MODIFY TTL toDateTime(ingested_at) + INTERVAL 90 DAY SETTINGS materialize_ttl_after_modify = 0')
    expect(s).toContain('ALTER TABLE dw.drift MODIFY TTL toDateTime(intDiv(eval_version, 1000)) + INTERVAL 730 DAY SETTINGS materialize_ttl_after_modify = 0')
    expect(s).toContain('ALTER TABLE dw.alerts MODIFY TTL toDateTime(changed_at) + INTERVAL 730 DAY SETTINGS materialize_ttl_after_modify = 0')
    expect(s).toHaveLength(18)
  })
})
