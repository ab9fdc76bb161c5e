/**
 * A value that is expensive to read (Kafka offsets, a ClickHouse count) is sampled on a timer
 * rather than at scrape time: a scrape stays fast and succeeds while Kafka or ClickHouse is down,
 * which is exactly when the metrics are needed. A failed sample keeps the previous value,
 * increments sampler_errors_total and is logged at warn once per failure streak; the
 * sample_timestamp_seconds gauge tells how fresh the value is.
 */
import type { Logger } from './logger.js'
import type { DriftwatchMetrics } from './metrics.js'

export interface RunningSampler {
  /** Samples now (after a sample in progress); rejects when the sample fails. */
  sampleNow(): Promise<void>
  /** Stops the timer and waits for a sample in progress. */
  stop(): Promise<void>
}

export interface SamplerOptions {
  readonly name: string
  readonly intervalMs: number
  readonly sample: () => Promise<void>
  readonly metrics: Pick<DriftwatchMetrics, 'samplerErrors' | 'sampleTimestamp'>
  readonly logger: Logger
  readonly now?: () => number
}

export function startSampler(o: SamplerOptions): RunningSampler {
  const now = o.now ?? Date.now
  let running: Promise<void> = Promise.resolve()
  let failing = false
  let timer: NodeJS.Timeout | null = null
  let stopped = false

  const once = async () => {
    try {
      await o.sample()
      o.metrics.sampleTimestamp.set({ sampler: o.name }, now() / 1000)
      if (failing) o.logger.info({ sampler: o.name }, 'sampling recovered')
      failing = false
    } catch (err) {
      o.metrics.samplerErrors.inc({ sampler: o.name })
      if (!failing) o.logger.warn({ sampler: o.name, err: (err as Error).message }, 'sampling failed; keeping the previous value')
      failing = true
      throw err
    }
  }
  const sampleNow = () => {
    const next = running.catch(() => undefined).then(once)
    running = next
    return next
  }
  const loop = () => {
    sampleNow()
      .catch(() => undefined)
      .finally(() => {
        if (!stopped) {
          timer = setTimeout(loop, o.intervalMs)
          timer.unref()
        }
      })
  }
  loop()
  return {
    sampleNow,
    async stop() {
      stopped = true
      if (timer) clearTimeout(timer)
      await running.catch(() => undefined)
    },
  }
}
