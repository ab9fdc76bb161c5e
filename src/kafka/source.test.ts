import { EventEmitter } from 'node:events'
import { Writable } from 'node:stream'
import { AssignerProtocol, type Kafka } from 'kafkajs'
import { pino } from 'pino'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createLogger } from '../observability/logger.js'
import { startKafkaSource, withHeartbeats } from './source.js'

describe('withHeartbeats', () => {
  afterEach(() => void vi.useRealTimers())

  it('heartbeats every interval while the work runs, and stops when it ends', async () => {
    vi.useFakeTimers()
    const heartbeat = vi.fn(async () => {})
    let finish!: () => void
    const running = withHeartbeats(() => new Promise<string>((r) => (finish = () => r('stored'))), heartbeat, 1000, () => {})
    await vi.advanceTimersByTimeAsync(10_500)
    expect(heartbeat).toHaveBeenCalledTimes(10)
    finish()
    await expect(running).resolves.toBe('stored')
    await vi.advanceTimersByTimeAsync(10_000)
    expect(heartbeat).toHaveBeenCalledTimes(10)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('passes a failed heartbeat to onError and goes on; clears the timer when the work fails', async () => {
    vi.useFakeTimers()
    const rebalancing = Object.assign(new Error('The group is rebalancing, so a rejoin is needed'), { type: 'REBALANCE_IN_PROGRESS' })
    const heartbeat = vi.fn(async () => Promise.reject(rebalancing))
    const errors: unknown[] = []
    let fail!: (e: Error) => void
    const running = withHeartbeats(() => new Promise<void>((_, reject) => (fail = reject)), heartbeat, 1000, (e) => errors.push(e))
    running.catch(() => {})
    await vi.advanceTimersByTimeAsync(3_000)
    expect(errors).toEqual([rebalancing, rebalancing, rebalancing])
    fail(new Error('ClickHouse is away'))
    await expect(running).rejects.toThrow('ClickHouse is away')
    expect(vi.getTimerCount()).toBe(0)
  })
})

/**
 * A kafkajs client whose consumer records its options and lets the test emit its events; its
 * methods do nothing unless `overrides` gives them (describeGroup, a counting disconnect).
 */
function fakeKafka(overrides: Record<string, unknown> = {}) {
  const events = new EventEmitter()
  const seen: { options?: Record<string, unknown> } = {}
  const consumer = {
    events: { GROUP_JOIN: 'consumer.group_join', CRASH: 'consumer.crash' },
    on: (event: string, listener: (e: unknown) => void) => events.on(event, listener),
    connect: async () => {},
    subscribe: async () => {},
    run: async () => {},
    disconnect: async () => {},
    ...overrides,
  }
  const kafka = { consumer: (options: Record<string, unknown>) => ((seen.options = options), consumer) } as unknown as Kafka
  return { kafka, events, seen }
}

describe('startKafkaSource', () => {
  it('keeps kafkajs\' 30 s session timeout and heartbeat interval by default', async () => {
    const { kafka, seen } = fakeKafka()
    await startKafkaSource({ kafka, groupId: 'g', handlers: {}, logger: createLogger('silent') })
    expect(seen.options).toMatchObject({ sessionTimeout: 30_000, heartbeatInterval: 3_000 })
  })

  it('counts the members with another driftwatch.yaml after each join it can read, and leaves the count alone while the group rebalances again', async () => {
    let state = 'Stable'
    let described = 0
    const memberAssignment = AssignerProtocol.MemberAssignment.encode({ version: 0, assignment: {}, userData: Buffer.from(JSON.stringify({ configMismatch: { members: 3, differing: 1 } })) })
    const { kafka, events } = fakeKafka({ describeGroup: async () => (described++, { state, members: [{ memberId: 'me', memberAssignment }] }) })
    const seen: number[] = []
    const member = { store: 'chdb', storeId: 'p', started: 1, config: 'c' } as const
    await startKafkaSource({ kafka, groupId: 'g', handlers: {}, logger: createLogger('silent'), member, onConfigMismatch: (n) => seen.push(n) })
    const join = async () => {
      events.emit('consumer.group_join', { payload: { memberId: 'me' } })
      for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r))
    }
    await join()
    expect({ described, seen }).toEqual({ described: 1, seen: [1] })
    // Another member joins right after: the group is rebalancing when this one reads its notice.
    state = 'PreparingRebalance'
    await join()
    expect({ described, seen }).toEqual({ described: 2, seen: [1] })
  })

  // Regression: an evicted member's commit failed with ILLEGAL_GENERATION, kafkajs stopped the
  // consumer without restarting it, and the process went on consuming nothing.
  it('rejects `done` when kafkajs stops the consumer for good, not when it restarts it', async () => {
    const { kafka, events } = fakeKafka()
    const source = await startKafkaSource({ kafka, groupId: 'g', handlers: {}, logger: createLogger('silent') })
    let settled = false
    source.done.then(() => (settled = true), () => (settled = true))
    events.emit('consumer.crash', { payload: { error: new Error('broker away'), restart: true } })
    await new Promise((r) => setImmediate(r))
    expect(settled).toBe(false)
    const evicted = new Error('Specified group generation id is not valid')
    events.emit('consumer.crash', { payload: { error: evicted, restart: false } })
    await expect(source.done).rejects.toBe(evicted)
  })
})

describe('startKafkaSource: what the group tells this member', () => {
  const identity = { store: 'chdb', storeId: 'p', started: 1, config: 'c' } as const
  /** A consumer that joins, and whose coordinator describes its assignment with `notice` in the userData. */
  function joining(notice: object | null, state = 'Stable') {
    const calls = { describe: 0, disconnect: 0 }
    const memberAssignment = AssignerProtocol.MemberAssignment.encode({ version: 0, assignment: {}, userData: notice ? Buffer.from(JSON.stringify(notice)) : Buffer.alloc(0) })
    const { kafka, events } = fakeKafka({
      disconnect: async () => void calls.disconnect++,
      describeGroup: async () => (calls.describe++, { state, members: [{ memberId: 'other', memberAssignment: Buffer.alloc(0) }, { memberId: 'me', memberAssignment }] }),
    })
    const join = async () => {
      events.emit('consumer.group_join', { payload: { memberId: 'me' } })
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r))
    }
    const lines: { level: number; code?: string; msg: string }[] = []
    const logger = pino({ level: 'info' }, new Writable({ write: (chunk, _e, done) => void (lines.push(JSON.parse(String(chunk))), done()) }))
    return { kafka, join, calls, lines, logger }
  }

  it('stops with DW_GROUP_SHARED_EMBEDDED_STORE, one actionable line, when the group keeps its partitions elsewhere', async () => {
    const { kafka, join, calls, logger } = joining({ conflict: { members: 1, keptBy: 'first-1' } })
    const source = await startKafkaSource({ kafka, groupId: 'driftwatch', handlers: {}, logger, member: identity })
    await join()
    const err = await source.done.then(() => null, (e: unknown) => e)
    expect(err).toMatchObject({ code: 'DW_GROUP_SHARED_EMBEDDED_STORE', retriable: false })
    const message = (err as Error).message
    expect(message).not.toContain('\n')
    expect(message).toMatch(/^this embedded \(chDB\) instance shares consumer group driftwatch with 1 other member, .*part of the data.*first-1.*Run one instance, or give every instance CLICKHOUSE_URL.*KAFKA_GROUP_ID$/)
    expect(calls.disconnect).toBe(1)
  })

  it('logs DW_GROUP_CONFIG_MISMATCH at each join and goes on consuming', async () => {
    const { kafka, join, lines, logger } = joining({ configMismatch: { members: 3, differing: 2 } })
    const source = await startKafkaSource({ kafka, groupId: 'g', handlers: {}, logger, member: identity })
    let settled = false
    source.done.then(() => (settled = true), () => (settled = true))
    await join()
    await join()
    const logged = lines.filter((l) => l.code === 'DW_GROUP_CONFIG_MISMATCH')
    expect(logged).toHaveLength(2)
    expect(logged[0]).toMatchObject({ level: 50, members: 3, differing: 2 })
    expect(logged[0]!.msg).toMatch(/^2 of the 3 members of consumer group g run a different driftwatch\.yaml from this instance: every instance of a deployment needs the same file.*rolling change/)
    expect(settled).toBe(false)
  })

  it('reads nothing without an identity of its own, or while the group rebalances again', async () => {
    const quiet = joining({ conflict: { members: 1, keptBy: 'x' } })
    const a = await startKafkaSource({ kafka: quiet.kafka, groupId: 'g', handlers: {}, logger: quiet.logger })
    await quiet.join()
    expect(quiet.calls.describe).toBe(0)
    const moving = joining({ conflict: { members: 1, keptBy: 'x' } }, 'PreparingRebalance')
    const b = await startKafkaSource({ kafka: moving.kafka, groupId: 'g', handlers: {}, logger: moving.logger, member: identity })
    await moving.join()
    expect(moving.calls.describe).toBe(1)
    let settled = false
    for (const s of [a, b]) s.done.then(() => (settled = true), () => (settled = true))
    await new Promise((r) => setImmediate(r))
    expect(settled).toBe(false)
  })
})
