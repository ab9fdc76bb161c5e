/**
 * Watermarks that one bad clock cannot break: a producer whose clock runs 20 hours ahead sends one
 * prediction (accepted: events up to 24 h in the future are). The watermark, kept per partition in
 * the bounded watermarks table, counts that event for at most 5 minutes past when it was stored, so
 * the current windows stay open; the watermark lag is exposed as a metric.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { startApp, type App } from '../src/app.js'
import { parseFileConfig } from '../src/config/file.js'
import { createLogger } from '../src/observability/logger.js'
import { createMetrics } from '../src/observability/metrics.js'
import { modelWatermarks, startWatermarkLagSampler } from '../src/observability/watermark-lag.js'
import { dropTestResources, testConfig } from './support/config.js'
import { prediction } from './support/events.js'
import { count, queryRows } from './support/query.js'
import { waitFor } from './support/wait.js'

const HOUR = 3_600_000

describe('event-time watermarks', () => {
  const config = testConfig({ partitions: 3 })
  const file = parseFileConfig('models:\n  - id: m\n    window: 1h\n    allowedLateness: 10m\n', 'test.yaml')
  let app: App
  afterAll(async () => {
    await app?.stop()
    await dropTestResources(config)
  })

  it('a producer 20 hours ahead cannot close the current windows', async () => {
    app = await startApp(config, createLogger(config.logLevel), { file, evaluate: false })
    const now = Date.now()
    // 300 events over the last three hours, the newest 36 s old, wherever the hour boundaries fall.
    const times = Array.from({ length: 300 }, (_, i) => now - 3 * HOUR + i * 36_000)
    const normal = times.map((t, i) => prediction({ prediction_id: `n-${i}`, model_id: 'm', event_time: t }))
    const skewed = prediction({ prediction_id: 'skewed', model_id: 'm', event_time: now + 20 * HOUR })
    await app.publisher.publishPredictions([...normal, skewed])
    await waitFor(() => count(app.store, 'SELECT count() AS c FROM {db}.predictions FINAL'), (c) => c === 301, { what: 'predictions stored' })
    await app.evaluator.evaluateNow()

    // The watermark counts the skewed event for at most 5 minutes past when it was stored.
    const watermark = (await modelWatermarks(app.store)).get('m')!
    expect(watermark).toBeLessThanOrEqual(Date.now() + 5 * 60_000)
    expect(watermark).toBeGreaterThan(now - 3 * HOUR)
    const windows = await queryRows<{ ws: string; closed: number }>(app.store, "SELECT toUnixTimestamp64Milli(window_start) AS ws, closed FROM {db}.window_summary FINAL WHERE model_id = 'm' ORDER BY window_start")
    // The window of the newest real event ends at least 36 s from now and stays open for 10 minutes
    // of lateness past that; so does the skewed event's window.
    const newest = Math.floor(times.at(-1)! / HOUR) * HOUR
    expect(windows.filter((w) => Number(w.ws) >= newest).map((w) => w.closed)).toEqual([0, 0])
    // Windows the real traffic has passed close as usual: the oldest one ended two hours ago.
    expect(windows.find((w) => Number(w.ws) === Math.floor(times[0]! / HOUR) * HOUR)?.closed).toBe(1)

    const metrics = createMetrics({ processMetrics: false })
    const sampler = startWatermarkLagSampler({ store: app.store, metrics, logger: createLogger('silent') })
    await sampler.sampleNow()
    await sampler.stop()
    const lag = (await metrics.watermarkLag.get()).values.find((v) => v.labels['model'] === 'm')!.value
    expect(lag).toBeGreaterThan(-5 * 60)
    expect(lag).toBeLessThan(3 * 3600)
  })
})
