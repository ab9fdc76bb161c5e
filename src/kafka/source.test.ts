import { EventEmitter } from 'node:events'
import type { Kafka } from 'kafkajs'
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

describe('startKafkaSource', () => {
  /** A kafkajs consumer that records its options and lets the test emit its events. */
  function fakeKafka() {
    const events = new EventEmitter()
    const seen: { options?: Record<string, unknown> } = {}
    const consumer = {
      events: { GROUP_JOIN: 'consumer.group_join', CRASH: 'consumer.crash' },
      on: (event: string, listener: (e: unknown) => void) => events.on(event, listener),
      connect: async () => {},
      subscribe: async () => {},
      run: async () => {},
      disconnect: async () => {},
    }
    const kafka = { consumer: (options: Record<string, unknown>) => ((seen.options = options), consumer) } as unknown as Kafka
    return { kafka, events, seen }
  }

  it('keeps kafkajs\' 30 s session timeout and heartbeat interval by default', async () => {
    const { kafka, seen } = fakeKafka()
    await startKafkaSource({ kafka, groupId: 'g', handlers: {}, logger: createLogger('silent') })
    expect(seen.options).toMatchObject({ sessionTimeout: 30_000, heartbeatInterval: 3_000 })
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
