import type { ClickHouseClient } from '@clickhouse/client'
import { describe, expect, it } from 'vitest'
import { parameterStringSet, type Store } from '../store/clickhouse.js'
import { DriftwatchError } from '../errors.js'
import { createLogger } from './logger.js'
import { clickhouseCheck, createReadiness, registryCheck, runChecks, WRITE_PROBE_BYTES, withPartitions, type DependencyCheck } from './readiness.js'
import { StoreWrites } from './store-writes.js'

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

  it('names the topics a check found missing, never the reason', async () => {
    const missing: DependencyCheck = {
      name: 'kafka',
      code: 'DW_KAFKA_UNAVAILABLE',
      run: async () => Promise.reject(new DriftwatchError('DW_TOPIC_MISMATCH', 'topic p.predictions does not exist (deleted while driftwatch runs?) at broker 10.0.0.1', { missingTopics: ['p.predictions'] })),
    }
    const report = await runChecks([ok('clickhouse'), missing], 100, () => undefined)
    expect(report).toEqual({ ready: false, checks: { clickhouse: { status: 'ok' }, kafka: { status: 'failed', code: 'DW_TOPIC_MISMATCH' } }, missingTopics: ['p.predictions'] })
    expect(JSON.stringify(report)).not.toContain('10.0.0.1')
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
  it('keeps the missing topics beside the stuck partitions', () => {
    const report = withPartitions({ ready: false, checks: {}, missingTopics: ['p'] }, [{ topic: 'g', partition: 0, blockedSeconds: 61, failures: 0, lastCode: null }])
    expect(report).toMatchObject({ ready: false, missingTopics: ['p'], stuckPartitions: [{ topic: 'g' }] })
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

describe('clickhouseCheck: the store\'s writes', () => {
  const enospc = (file: string) => new DriftwatchError('DW_CLICKHOUSE_UNAVAILABLE', `the embedded engine's file ${file} cannot be written (ENOSPC): check the space and permissions of DRIFTWATCH_DATA_DIR`, { retriable: true })
  /** A store whose SELECT 1 answers and whose string-set files are written unless `full`; records the probes' sizes. */
  function store(kind: Store['kind']) {
    const disk = { full: true, probes: [] as number[] }
    const s = {
      client: { query: async () => ({ json: async () => [{ ok: 1 }] }) } as unknown as ClickHouseClient,
      kind, database: 'db', location: '/tmp',
      insertRowBinary: async () => undefined,
      withStringSet: async <T>(values: readonly string[], use: (set: { sql: string; params: Record<string, unknown> }) => Promise<T>) => {
        disk.probes.push(values.join('').length)
        if (disk.full) throw enospc('/d/chdb-files/1-set.tsv')
        return use({ sql: '', params: {} })
      },
      streamRowBinary: async () => undefined,
      close: async () => undefined,
    } as Store
    return { store: s, disk }
  }

  it('is not ready while the last write failed, with that write\'s code, and ready again once a write succeeds', async () => {
    const { store: s } = store('server')
    const writes = new StoreWrites()
    const check = clickhouseCheck(s, writes)
    await expect(check.run()).resolves.toBeUndefined()
    writes.failed(Object.assign(new Error('Cannot reserve 1.00 MiB, not enough space'), { type: 'NOT_ENOUGH_SPACE', code: '243' }))
    const report = await runChecks([check], 1000, () => undefined)
    expect(report).toEqual({ ready: false, checks: { clickhouse: { status: 'failed', code: 'DW_CLICKHOUSE_UNAVAILABLE' } } })
    await expect(check.run()).rejects.toThrow('writes to ClickHouse fail: Cannot reserve 1.00 MiB, not enough space')
    writes.succeeded()
    await expect(check.run()).resolves.toBeUndefined()
  })

  it('on the embedded engine, writes a probe of its own while writes fail, and is ready once it is written', async () => {
    const { store: s, disk } = store('chdb')
    const writes = new StoreWrites()
    const check = clickhouseCheck(s, writes)
    await check.run()
    expect(disk.probes).toEqual([])
    writes.failed(enospc('/d/chdb-files/1-insert.bin'))
    await expect(check.run()).rejects.toThrow("the embedded engine's file /d/chdb-files/1-set.tsv cannot be written (ENOSPC)")
    expect(disk.probes).toEqual([WRITE_PROBE_BYTES])
    disk.full = false
    await expect(check.run()).resolves.toBeUndefined()
    expect(writes.failure()).toBeNull()
    await check.run()
    expect(disk.probes).toHaveLength(2)
  })
})
