import { describe, expect, it } from 'vitest'
import { loadRuntimeConfig } from './env.js'
import { DriftwatchError } from '../errors.js'

describe('loadRuntimeConfig', () => {
  it('defaults to embedded mode with nothing set', () => {
    const c = loadRuntimeConfig({})
    expect(c.kafka).toBeNull()
    expect(c.clickhouse.url).toBeNull()
    expect(c.clickhouse.database).toBe('driftwatch')
    expect(c.topics).toEqual({ predictions: 'predictions', groundTruth: 'ground-truth', partitions: 6, prefix: '' })
  })

  it('parses Kafka brokers and topic prefix', () => {
    const c = loadRuntimeConfig({
      KAFKA_BROKERS: 'a:9092, b:9093',
      SCHEMA_REGISTRY_URL: 'http://r:8081',
      DRIFTWATCH_TOPIC_PREFIX: 'dw.',
    })
    expect(c.kafka?.brokers).toEqual(['a:9092', 'b:9093'])
    expect(c.topics.predictions).toBe('dw.predictions')
  })

  it('reports every bad variable with its name', () => {
    try {
      loadRuntimeConfig({ KAFKA_BROKERS: 'nohost', CLICKHOUSE_URL: 'not a url', CLICKHOUSE_DATABASE: 'x;DROP', DRIFTWATCH_PARTITIONS: '0' })
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(DriftwatchError)
      const err = e as DriftwatchError
      expect(err.code).toBe('DW_CONFIG_INVALID')
      const problems = err.context['problems'] as string[]
      expect(problems.map((p) => p.split(':')[0])).toEqual(
        expect.arrayContaining(['KAFKA_BROKERS.0', 'CLICKHOUSE_URL', 'CLICKHOUSE_DATABASE', 'DRIFTWATCH_PARTITIONS']),
      )
    }
  })

  it('reads DRIFTWATCH_STUCK_PARTITION_MS (default 60 s) and rejects what is not a duration in range', () => {
    expect(loadRuntimeConfig({}).stuckPartitionMs).toBe(60_000)
    expect(loadRuntimeConfig({ DRIFTWATCH_STUCK_PARTITION_MS: '5000' }).stuckPartitionMs).toBe(5000)
    for (const bad of ['soon', '999', '1.5e3x', '86400001']) {
      expect(() => loadRuntimeConfig({ DRIFTWATCH_STUCK_PARTITION_MS: bad })).toThrow(/DRIFTWATCH_STUCK_PARTITION_MS/)
    }
  })

  it('accepts only http and https URLs for ClickHouse and the schema registry (a scheme-less host:port is refused)', () => {
    for (const bad of ['localhost:8123', 'ftp://x', 'http:localhost']) {
      for (const name of ['CLICKHOUSE_URL', 'SCHEMA_REGISTRY_URL']) {
        expect(() => loadRuntimeConfig({ [name]: bad }), `${name}=${bad}`).toThrow(new RegExp(`${name}: must be an http:// or https:// URL, like http://localhost:\\d+`))
      }
    }
    const ok = loadRuntimeConfig({ CLICKHOUSE_URL: 'https://u:p@ch.example.com:8443', SCHEMA_REGISTRY_URL: 'http://[::1]:8081/apis/ccompat/v7' })
    expect(ok.clickhouse.url).toBe('https://u:p@ch.example.com:8443')
    expect(ok.registryUrl).toBe('http://[::1]:8081/apis/ccompat/v7')
  })

  it('requires a schema registry with Kafka', () => {
    expect(() => loadRuntimeConfig({ KAFKA_BROKERS: 'a:1' })).toThrow(/SCHEMA_REGISTRY_URL/)
  })
})
