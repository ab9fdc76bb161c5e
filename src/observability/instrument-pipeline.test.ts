import { describe, expect, it } from 'vitest'
import { DriftwatchError } from '../errors.js'
import type { DeadLetter } from '../ingest/dead-letter.js'
import type { SourceBatch, SourceRecord } from '../pipeline/source.js'
import { instrumentDeadLetterSink, instrumentHandlers } from './instrument-pipeline.js'
import { createMetrics } from './metrics.js'

const record = (topic: string, offset: number): SourceRecord => ({ topic, partition: 0, offset: String(offset), key: null, value: Buffer.from('x'), headers: {}, timestamp: '0' })
const batch = (topic: string, n: number): SourceBatch => ({ topic, partition: 0, records: Array.from({ length: n }, (_, i) => record(topic, i)) })
const value = async (m: ReturnType<typeof createMetrics>, name: string, labels: Record<string, string>) =>
  (await m.registry.getSingleMetric(name)!.get()).values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value ?? 0

describe('instrumentHandlers', () => {
  it('counts the records of a stored batch once, and times every call', async () => {
    const m = createMetrics({ processMetrics: false })
    let calls = 0
    const handlers = instrumentHandlers(
      {
        p: async () => {
          if (++calls === 1) throw new DriftwatchError('DW_CLICKHOUSE_UNAVAILABLE', 'down', { retriable: true })
        },
      },
      m,
    )
    await expect(handlers['p']!(batch('p', 5))).rejects.toThrow('down')
    await handlers['p']!(batch('p', 5))
    expect(await value(m, 'driftwatch_events_consumed_total', { topic: 'p' })).toBe(5)
    expect(await value(m, 'driftwatch_batch_failures_total', { topic: 'p', retriable: 'true' })).toBe(1)
    const histogram = (await m.registry.getSingleMetric('driftwatch_batch_duration_seconds')!.get()).values
    expect(histogram.find((v) => (v as { metricName?: string }).metricName === 'driftwatch_batch_duration_seconds_count')?.value).toBe(2)
  })

  it('labels a bug as not retriable', async () => {
    const m = createMetrics({ processMetrics: false })
    const handlers = instrumentHandlers({ p: async () => Promise.reject(new TypeError('bug')) }, m)
    await expect(handlers['p']!(batch('p', 1))).rejects.toThrow(TypeError)
    expect(await value(m, 'driftwatch_batch_failures_total', { topic: 'p', retriable: 'false' })).toBe(1)
  })

  it('returns the handlers unchanged without metrics', () => {
    const h = async () => undefined
    expect(instrumentHandlers({ p: h }, undefined)['p']).toBe(h)
  })
})

describe('instrumentDeadLetterSink', () => {
  const dead = (topic: string, code: 'DW_DECODE_NOT_AVRO' | 'DW_ORPHAN_LABEL'): DeadLetter => ({ record: record(topic, 1), error: new DriftwatchError(code, 'x') })

  it('counts by topic and code after the write resolved', async () => {
    const m = createMetrics({ processMetrics: false })
    const sink = instrumentDeadLetterSink({ write: async () => undefined }, m)
    await sink.write([dead('p', 'DW_DECODE_NOT_AVRO'), dead('p', 'DW_DECODE_NOT_AVRO'), dead('g', 'DW_ORPHAN_LABEL')], 't')
    expect(await value(m, 'driftwatch_dead_letters_total', { topic: 'p', code: 'DW_DECODE_NOT_AVRO' })).toBe(2)
    expect(await value(m, 'driftwatch_dead_letters_total', { topic: 'g', code: 'DW_ORPHAN_LABEL' })).toBe(1)
  })

  it('counts nothing when the write failed (the batch is retried and counted then)', async () => {
    const m = createMetrics({ processMetrics: false })
    const sink = instrumentDeadLetterSink({ write: async () => Promise.reject(new Error('down')) }, m)
    await expect(sink.write([dead('p', 'DW_DECODE_NOT_AVRO')], 't')).rejects.toThrow('down')
    expect(await value(m, 'driftwatch_dead_letters_total', { topic: 'p', code: 'DW_DECODE_NOT_AVRO' })).toBe(0)
  })
})
