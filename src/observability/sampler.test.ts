import { describe, expect, it } from 'vitest'
import { createLogger } from './logger.js'
import { createMetrics } from './metrics.js'
import { startSampler } from './sampler.js'

describe('startSampler', () => {
  it('samples at once, keeps the last value on failure, and counts failures and freshness', async () => {
    const m = createMetrics({ processMetrics: false })
    let fail = false
    let n = 0
    const sampler = startSampler({
      name: 'pending_labels',
      intervalMs: 60_000,
      metrics: m,
      logger: createLogger('silent'),
      now: () => 1_700_000_000_000,
      sample: async () => {
        if (fail) throw new Error('down')
        m.pendingLabels.set(++n)
      },
    })
    await sampler.sampleNow()
    fail = true
    await expect(sampler.sampleNow()).rejects.toThrow('down')
    await sampler.stop()
    const text = await m.registry.metrics()
    expect(text).toMatch(/^driftwatch_pending_labels 2$/m)
    expect(text).toMatch(/^driftwatch_sampler_errors_total\{sampler="pending_labels"\} 1$/m)
    expect(text).toMatch(/^driftwatch_sample_timestamp_seconds\{sampler="pending_labels"\} 1700000000$/m)
  })
})
