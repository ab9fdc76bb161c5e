import { describe, expect, it } from 'vitest'
import { ttlStatements } from './retention.js'

describe('ttlStatements', () => {
  it('sets one TTL per table, on its own time column, without rewriting existing parts', () => {
    const s = ttlStatements('dw', { rawDays: 90, metricsDays: 730 })
    expect(s).toContain('ALTER TABLE dw.predictions MODIFY TTL toDateTime(event_time) + INTERVAL 90 DAY SETTINGS materialize_ttl_after_modify = 0')
    expect(s).toContain('ALTER TABLE dw.drift MODIFY TTL toDateTime(window_start) + INTERVAL 730 DAY SETTINGS materialize_ttl_after_modify = 0')
    expect(s).toContain('ALTER TABLE dw.alerts MODIFY TTL toDateTime(changed_at) + INTERVAL 730 DAY SETTINGS materialize_ttl_after_modify = 0')
    expect(s).toHaveLength(13)
  })
})
