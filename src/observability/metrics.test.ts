import { describe, expect, it } from 'vitest'
import { alertDeliveryRecorder, NO_ALERT_DELIVERIES } from './alert-deliveries.js'
import { createMetrics, METRIC_PREFIX } from './metrics.js'

const OWN_SERIES = [
  'driftwatch_events_consumed_total',
  'driftwatch_dead_letters_total',
  'driftwatch_batch_duration_seconds',
  'driftwatch_batch_failures_total',
  'driftwatch_clickhouse_write_duration_seconds',
  'driftwatch_clickhouse_write_errors_total',
  'driftwatch_consumer_lag_messages',
  'driftwatch_join_index_size',
  'driftwatch_join_index_capacity',
  'driftwatch_pending_labels',
  'driftwatch_watermark_lag_seconds',
  'driftwatch_alert_deliveries_total',
  'driftwatch_sampler_errors_total',
  'driftwatch_sample_timestamp_seconds',
  'driftwatch_partition_stuck',
  'driftwatch_partition_blocked_seconds',
]

describe('createMetrics', () => {
  it('registers its own series under the driftwatch_ prefix, and the standard process metrics unprefixed', async () => {
    const m = createMetrics()
    const names = (await m.registry.getMetricsAsJSON()).map((x) => x.name)
    expect(names).toEqual(expect.arrayContaining(OWN_SERIES))
    expect(names).toContain('process_cpu_seconds_total')
    expect(names).toContain('nodejs_heap_size_used_bytes')
    expect(names).toContain('driftwatch_build_info')
    expect(names.filter((n) => !n.startsWith(METRIC_PREFIX)).every((n) => n.startsWith('process_') || n.startsWith('nodejs_'))).toBe(true)
  })

  it('gives each app its own registry: nothing is shared between two instances', async () => {
    const a = createMetrics({ processMetrics: false })
    const b = createMetrics({ processMetrics: false })
    a.eventsConsumed.inc({ topic: 'predictions' }, 3)
    expect(await a.registry.getSingleMetricAsString('driftwatch_events_consumed_total')).toContain('driftwatch_events_consumed_total{topic="predictions"} 3')
    expect(await b.registry.getSingleMetricAsString('driftwatch_events_consumed_total')).not.toContain('predictions')
  })

  it('reads the join index at scrape time, not when it was attached', async () => {
    const m = createMetrics({ processMetrics: false })
    const index = { size: 1, capacity: 10 }
    m.watchJoinIndex(index)
    index.size = 7
    const text = await m.registry.metrics()
    expect(text).toMatch(/^driftwatch_join_index_size 7$/m)
    expect(text).toMatch(/^driftwatch_join_index_capacity 10$/m)
  })
})

describe('alert delivery recorder', () => {
  it('counts by channel and status', async () => {
    const m = createMetrics({ processMetrics: false })
    const recorder = alertDeliveryRecorder(m)
    recorder.delivered('slack', 'sent')
    recorder.delivered('slack', 'sent')
    recorder.delivered('email', 'failed', 3)
    const text = await m.registry.getSingleMetricAsString('driftwatch_alert_deliveries_total')
    expect(text).toContain('driftwatch_alert_deliveries_total{channel="slack",status="sent"} 2')
    expect(text).toContain('driftwatch_alert_deliveries_total{channel="email",status="failed"} 3')
  })

  it('has a no-op for tests and disabled metrics', () => {
    expect(() => NO_ALERT_DELIVERIES.delivered('email', 'sent')).not.toThrow()
  })
})
