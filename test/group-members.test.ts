/**
 * Who may share a consumer group, and what happens when the wrong instances do.
 *
 * - Two deployments with other topic prefixes and the same KAFKA_GROUP_ID: each member is given
 *   partitions only of the topics it subscribed to, so each deployment consumes all of its own
 *   records, and each elects its own evaluator (the election groups carry the prefix).
 * - An embedded (chDB) instance in another process joining the group: it would store part of the
 *   data in a database of its own. It is refused (DW_GROUP_SHARED_EMBEDDED_STORE, exit 1, one
 *   line), and the instance started first keeps every partition: records published while the
 *   second one is a member all reach the first one's database.
 * - Instances with different driftwatch.yaml in one group: each logs DW_GROUP_CONFIG_MISMATCH, and
 *   both keep consuming (a rolling change of the file has mixed members for a while).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { AssignerProtocol, Kafka, logLevel, type Admin } from 'kafkajs'
import { pino } from 'pino'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { startApp, type App } from '../src/app.js'
import { parseFileConfig } from '../src/config/file.js'
import { createLogger } from '../src/observability/logger.js'
import { createMetrics } from '../src/observability/metrics.js'
import { dropTestResources, TEST_PSEUDONYMIZATION_KEY, testConfig, uniqueName } from './support/config.js'
import { prediction } from './support/events.js'
import { count } from './support/query.js'
import { waitFor } from './support/wait.js'

const PARTITIONS = 3
const YAML = 'evaluation:\n  interval: 1s\nmodels:\n  - id: loan-approval\n    window: 1d\n'
const FILE = parseFileConfig(YAML, 'test.yaml')
const BIN = join(import.meta.dirname, '..', 'bin', 'driftwatch.js')

const predictions = (tag: string, n: number) =>
  Array.from({ length: n }, (_, i) => prediction({ prediction_id: `${tag}-${i}`, event_time: Date.now() - 3_600_000 + i }))

/** Each member of the group, by client id: its assignment (topic -> partitions). */
async function members(admin: Admin, group: string) {
  const [g] = (await admin.describeGroups([group])).groups
  const assigned = (g?.members ?? []).map((m) => ({ clientId: m.clientId, assignment: AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment ?? {} }))
  return { state: g?.state, assigned }
}

const partitionsOf = (assignment: Record<string, number[]>) => Object.values(assignment).reduce((s, p) => s + p.length, 0)

describe('two deployments with other topic prefixes in one consumer group', () => {
  const group = uniqueName('shared')
  const configs = ['ga', 'gb'].map((p) =>
    testConfig({ partitions: PARTITIONS, env: { DRIFTWATCH_TOPIC_PREFIX: `${uniqueName(p)}.`, KAFKA_GROUP_ID: group, DRIFTWATCH_ALERTS_ENABLED: 'false' } }),
  )
  const apps: App[] = []
  afterAll(async () => {
    for (const app of apps) await app.stop()
    for (const config of configs) await dropTestResources(config)
  })

  it('each consumes every record of its own topics, none twice', { timeout: 180_000 }, async () => {
    for (const config of configs) apps.push(await startApp(config, createLogger(config.logLevel), { file: FILE }))
    const n = 60
    for (const [i, app] of apps.entries()) await app.publisher.publishPredictions(predictions(`d${i}`, n))
    for (const [i, app] of apps.entries()) {
      await waitFor(() => count(app.store, 'SELECT count() AS c FROM {db}.predictions'), (c) => c >= n, { what: `deployment ${i + 1}'s ${n} predictions stored`, timeoutMs: 60_000 })
    }
    for (const app of apps) {
      expect(await count(app.store, 'SELECT count() AS c FROM {db}.predictions FINAL')).toBe(n)
      expect(await count(app.store, 'SELECT uniqExact(prediction_id) AS c FROM {db}.predictions')).toBe(n)
      expect(await count(app.store, 'SELECT count() AS c FROM {db}.dead_letters')).toBe(0)
    }
  })

  it('each elects its own evaluator', { timeout: 120_000 }, async () => {
    expect(apps).toHaveLength(2)
    await waitFor(async () => apps.map((a) => a.leading().evaluator), (l) => l.every(Boolean), { what: 'an evaluator leader in each deployment', timeoutMs: 60_000 })
  })
})

describe.skipIf(inject('infra').clickhouseUrl !== null)('an embedded instance of another process joining the group', () => {
  const config = testConfig({ partitions: PARTITIONS, env: { KAFKA_CLIENT_ID: 'first', DRIFTWATCH_ALERTS_ENABLED: 'false' } })
  const dataDir = mkdtempSync(join(tmpdir(), 'dw-second-'))
  let app: App | null = null
  let child: ChildProcess | null = null
  let admin: Admin | null = null
  afterAll(async () => {
    child?.kill('SIGKILL')
    await admin?.disconnect()
    await app?.stop()
    await dropTestResources(config)
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('is refused with DW_GROUP_SHARED_EMBEDDED_STORE while the first instance keeps every partition', { timeout: 240_000 }, async () => {
    app = await startApp(config, createLogger(config.logLevel), { file: FILE, evaluate: false })
    admin = new Kafka({ brokers: [...config.kafka!.brokers], logLevel: logLevel.NOTHING }).admin()
    await admin.connect()
    const group = config.kafka!.groupId
    await waitFor(() => members(admin!, group), (g) => g.state === 'Stable' && g.assigned.length === 1 && partitionsOf(g.assigned[0]!.assignment) === 2 * PARTITIONS, {
      what: 'the first instance holding every partition',
      timeoutMs: 60_000,
    })

    // The second instance: `driftwatch start` in a process of its own, on its own data directory,
    // with the same driftwatch.yaml.
    const configFile = join(dataDir, 'driftwatch.yaml')
    writeFileSync(configFile, YAML)
    const env: NodeJS.ProcessEnv = {
      DRIFTWATCH_CONFIG: configFile,
      PATH: process.env['PATH'],
      HOME: process.env['HOME'],
      KAFKA_BROKERS: config.kafka!.brokers.join(','),
      KAFKA_GROUP_ID: group,
      KAFKA_CLIENT_ID: 'second',
      SCHEMA_REGISTRY_URL: config.registryUrl!,
      DRIFTWATCH_TOPIC_PREFIX: config.topics.prefix,
      DRIFTWATCH_PARTITIONS: String(PARTITIONS),
      DRIFTWATCH_DATA_DIR: dataDir,
      CLICKHOUSE_DATABASE: config.clickhouse.database,
      DRIFTWATCH_HTTP_ENABLED: 'false',
      DRIFTWATCH_ALERTS_ENABLED: 'false',
      DRIFTWATCH_LOG_LEVEL: 'error',
      DRIFTWATCH_LOG_FORMAT: 'json',
      DRIFTWATCH_PSEUDONYMIZATION_KEY: TEST_PSEUDONYMIZATION_KEY,
    }
    const second = spawn(process.execPath, [BIN, 'start'], { env, stdio: ['ignore', 'ignore', 'pipe'] })
    child = second
    let stderr = ''
    second.stderr!.on('data', (d) => (stderr += d))
    const exited = new Promise<number | null>((resolve) => second.once('exit', (code) => resolve(code)))
    let exitCode: number | null | undefined

    // Until it exits: records keep coming, and every view of the group with both members in it
    // shows the second one holding nothing.
    let published = 0
    const views: Awaited<ReturnType<typeof members>>[] = []
    void exited.then((code) => (exitCode = code))
    await waitFor(
      async () => {
        const batch = predictions(`while-${published}`, 5)
        await app!.publisher.publishPredictions(batch)
        published += batch.length
        const view = await members(admin!, group)
        if (view.state === 'Stable' && view.assigned.length === 2) views.push(view)
        return exitCode
      },
      (code) => code !== undefined,
      { what: 'the second instance to exit', timeoutMs: 180_000, intervalMs: 200 },
    )

    const lines = stderr.split('\n').filter((l) => l.startsWith('driftwatch: '))
    expect({ exitCode, lines }, stderr).toEqual({ exitCode: 1, lines: [expect.stringMatching(/^driftwatch: DW_GROUP_SHARED_EMBEDDED_STORE: .*CLICKHOUSE_URL.*KAFKA_GROUP_ID/)] })
    expect(stderr).not.toMatch(/\n\s+at /)
    for (const view of views) {
      const mine = view.assigned.find((m) => m.clientId === 'first')!
      const theirs = view.assigned.find((m) => m.clientId === 'second')!
      expect({ first: partitionsOf(mine.assignment), second: partitionsOf(theirs.assignment) }).toEqual({ first: 2 * PARTITIONS, second: 0 })
    }
    // Conservation: nothing went to the refused instance's own database.
    await waitFor(() => count(app!.store, 'SELECT count() AS c FROM {db}.predictions'), (c) => c >= published, { what: `all ${published} predictions in the first instance's database`, timeoutMs: 60_000 })
    expect(await count(app.store, 'SELECT count() AS c FROM {db}.predictions FINAL')).toBe(published)
    const after = await waitFor(() => members(admin!, group), (g) => g.state === 'Stable' && g.assigned.length === 1, { what: 'the group back to one member', timeoutMs: 60_000 })
    expect(after.assigned.map((m) => [m.clientId, partitionsOf(m.assignment)])).toEqual([['first', 2 * PARTITIONS]])
  })
})

describe('instances with different driftwatch.yaml in one group', () => {
  const group = uniqueName('mixed')
  const prefix = `${uniqueName('mixed')}.`
  const db = uniqueName('mixed')
  const configFor = () => testConfig({ partitions: PARTITIONS, env: { DRIFTWATCH_TOPIC_PREFIX: prefix, KAFKA_GROUP_ID: group, CLICKHOUSE_DATABASE: db, DRIFTWATCH_ALERTS_ENABLED: 'false' } })
  const apps: App[] = []
  afterAll(async () => {
    for (const app of apps) await app.stop()
    await dropTestResources(configFor())
  })

  it('logs DW_GROUP_CONFIG_MISMATCH in each and counts the differing members in a gauge, and both keep their partitions', { timeout: 180_000 }, async () => {
    const logs: string[][] = [[], []]
    const metrics = [createMetrics({ processMetrics: false }), createMetrics({ processMetrics: false })]
    const gauge = async (i: number) => (await metrics[i]!.groupConfigMismatch.get()).values[0]?.value
    const files = [FILE, parseFileConfig('models:\n  - id: loan-approval\n    window: 1h\n', 'other.yaml')]
    for (const i of [0, 1]) {
      const sink = new Writable({ write: (chunk, _enc, done) => void (logs[i]!.push(String(chunk)), done()) })
      const config = configFor()
      apps.push(await startApp(config, pino({ level: 'error' }, sink), { file: files[i]!, evaluate: false, metrics: metrics[i]! }))
    }
    const mismatch = (i: number) => logs[i]!.map((l) => JSON.parse(l) as { code?: string; msg: string }).filter((l) => l.code === 'DW_GROUP_CONFIG_MISMATCH')
    await waitFor(async () => [mismatch(0).length, mismatch(1).length], (n) => n.every((x) => x > 0), { what: 'DW_GROUP_CONFIG_MISMATCH logged by both instances', timeoutMs: 60_000 })
    expect(mismatch(0)[0]!.msg).toMatch(/1 of the 2 members .*different driftwatch\.yaml.*same file/)

    const admin = new Kafka({ brokers: [...configFor().kafka!.brokers], logLevel: logLevel.NOTHING }).admin()
    await admin.connect()
    try {
      const g = await waitFor(() => members(admin, group), (v) => v.state === 'Stable' && v.assigned.length === 2, { what: 'a stable group of two', timeoutMs: 60_000 })
      expect(g.assigned.map((m) => partitionsOf(m.assignment)).sort((a, b) => a - b)).toEqual([PARTITIONS - 1, PARTITIONS + 1])
    } finally {
      await admin.disconnect()
    }
    const n = 30
    await apps[0]!.publisher.publishPredictions(predictions('mixed', n))
    await waitFor(() => count(apps[0]!.store, 'SELECT count() AS c FROM {db}.predictions'), (c) => c >= n, { what: `${n} predictions stored`, timeoutMs: 60_000 })
    expect(await count(apps[0]!.store, 'SELECT count() AS c FROM {db}.predictions FINAL')).toBe(n)
    expect([await gauge(0), await gauge(1)]).toEqual([1, 1])
    // The other file leaves: after the rebalance this instance's gauge goes back to 0.
    await apps.pop()!.stop()
    await waitFor(() => gauge(0), (v) => v === 0, { what: 'the mismatch gauge back to 0 once one file is left', timeoutMs: 60_000 })
  })
})
