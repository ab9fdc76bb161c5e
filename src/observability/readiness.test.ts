import type { ClickHouseClient } from '@clickhouse/client'
import { describe, expect, it } from 'vitest'
import { parameterStringSet, type Store } from '../store/clickhouse.js'
import { DriftwatchError } from '../errors.js'
import { createLogger } from './logger.js'
import { createReadiness, registryCheck, runChecks, withPartitions, type DependencyCheck } from './readiness.js'

const ok = (name: DependencyCheck['name']): DependencyCheck => ({ name, code: 'DW_INTERNAL', run: async () => undefined })
const failing = (name: DependencyCheck['name'], code: DependencyCheck['code']): DependencyCheck => ({ name, code, run: async () => Promise.reject(new Error('ECONNREFUSED 10.0.0.1')) })

describe('runChecks', () => {
  it('is ready when every check passes', async () => {
    expect(await runChecks([ok('clickhouse'), ok('kafka')], 100, () => undefined)).toEqual({ ready: true, checks: { clickhouse: { status: 'ok' }, kafka: { status: 'ok' } } })
  })

  it('names the failed dependency with its code and hands the reason to the log only', async () => {
    const logged: string[] = []
    const report = await runChecks([ok('kafka'), failing('clickhouse', 'DW_CLICKHOUSE_UNAVAILABLE')], 100, (name, err) => logged.push(`${name}: ${(err as Error).message}`))
    expect(report).toEqual({ ready: false, checks: { kafka: { status: 'ok' }, clickhouse: { status: 'failed', code: 'DW_CLICKHOUSE_UNAVAILABLE' } } })
    expect(JSON.stringify(report)).not.toContain('10.0.0.1')
    expect(logged).toEqual(['clickhouse: ECONNREFUSED 10.0.0.1'])
  })

  it('reports the code of a DriftwatchError a check throws: a more precise reason than the check\'s own', async () => {
    const mismatch: DependencyCheck = { name: 'kafka', code: 'DW_KAFKA_UNAVAILABLE', run: async () => Promise.reject(new DriftwatchError('DW_TOPIC_MISMATCH', 'topics p (2 partitions) and g (1 partitions) …')) }
    expect((await runChecks([mismatch], 100, () => undefined)).checks.kafka).toEqual({ status: 'failed', code: 'DW_TOPIC_MISMATCH' })
  })

  it('fails a check that does not answer within the timeout', async () => {
    const hanging: DependencyCheck = { name: 'registry', code: 'DW_REGISTRY_UNAVAILABLE', run: () => new Promise(() => undefined) }
    const started = Date.now()
    const report = await runChecks([hanging], 50, () => undefined)
    expect(report.checks.registry).toEqual({ status: 'failed', code: 'DW_REGISTRY_UNAVAILABLE' })
    expect(Date.now() - started).toBeLessThan(1000)
  })
})

describe('withPartitions', () => {
  const healthy = { ready: true, checks: { clickhouse: { status: 'ok' as const } } }
  it('adds an ok partitions check when nothing is stuck', () => {
    expect(withPartitions(healthy, [])).toEqual({ ready: true, checks: { clickhouse: { status: 'ok' }, partitions: { status: 'ok' } } })
  })
  it('is not ready and names each stuck partition, with whole seconds', () => {
    expect(withPartitions(healthy, [{ topic: 'predictions', partition: 4, blockedSeconds: 75.4, failures: 9, lastCode: 'DW_KAFKA_UNAVAILABLE' }])).toEqual({
      ready: false,
      checks: { clickhouse: { status: 'ok' }, partitions: { status: 'failed', code: 'DW_PARTITION_STUCK' } },
      stuckPartitions: [{ topic: 'predictions', partition: 4, blockedSeconds: 75, failures: 9, lastCode: 'DW_KAFKA_UNAVAILABLE' }],
    })
  })
})

describe('registryCheck', () => {
  it('GETs /subjects, moving URL credentials into a Basic header', async () => {
    const seen: { url: string; auth: string | undefined }[] = []
    const fetchFn = (async (url: string, init: RequestInit) => {
      seen.push({ url, auth: (init.headers as Record<string, string>)['authorization'] })
      return new Response('[]', { status: 200 })
    }) as unknown as typeof fetch
    await registryCheck('http://u%40x:p%3Ass@registry:8081/apis/ccompat/v7/', fetchFn).run()
    expect(seen).toEqual([{ url: 'http://registry:8081/apis/ccompat/v7/subjects', auth: `Basic ${Buffer.from('u@x:p:ss').toString('base64')}` }])
  })

  it('fails on a non-2xx answer', async () => {
    const fetchFn = (async () => new Response('no', { status: 503 })) as unknown as typeof fetch
    await expect(registryCheck('http://registry:8081', fetchFn).run()).rejects.toThrow('503')
  })

  it('names the credentials when the registry refuses them', async () => {
    for (const status of [401, 403]) {
      const fetchFn = (async () => new Response('no', { status })) as unknown as typeof fetch
      await expect(registryCheck('http://registry:8081', fetchFn).run()).rejects.toThrow(`GET /subjects answered ${status}: the registry refuses these credentials; check the user and password in SCHEMA_REGISTRY_URL`)
    }
  })
})

describe('createReadiness', () => {
  const store = (fail: boolean): Store => ({
    client: { query: async () => (fail ? Promise.reject(new Error('down')) : { json: async () => [{ ok: 1 }] }) } as unknown as ClickHouseClient,
    kind: 'chdb',
    database: 'db',
    location: '/tmp',
    insertRowBinary: async () => undefined,
    withStringSet: parameterStringSet,
    streamRowBinary: async () => undefined,
    close: async () => undefined,
  })

  it('checks only ClickHouse in embedded mode', async () => {
    const readiness = createReadiness({ store: store(false), kafka: null, registryUrl: null, logger: createLogger('silent') })
    expect(await readiness.check()).toEqual({ ready: true, checks: { clickhouse: { status: 'ok' } } })
    const down = createReadiness({ store: store(true), kafka: null, registryUrl: null, logger: createLogger('silent') })
    expect(await down.check()).toEqual({ ready: false, checks: { clickhouse: { status: 'failed', code: 'DW_CLICKHOUSE_UNAVAILABLE' } } })
    await readiness.close()
  })
})
