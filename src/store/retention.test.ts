import { describe, expect, it } from 'vitest'
import { ttlStatements } from './retention.js'

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
