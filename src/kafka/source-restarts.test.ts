import { EventEmitter } from 'node:events'
import { Writable } from 'node:stream'
import type { Kafka } from 'kafkajs'
import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import { createLogger } from '../observability/logger.js'
import { RESTART_BACKOFF, restartGate, startKafkaSource, type RestartGateOptions } from './source.js'

/** A gate whose waits are recorded (and take no time) and whose topic listing is scripted. */
function gate(listings: (readonly string[] | Error)[] = [], more: Partial<RestartGateOptions> = {}) {
  const waits: number[] = []
  const lines: { level: number; code?: string; missingTopics?: string[]; msg: string }[] = []
  let listed = 0
  const g = restartGate({
    topics: ['p.predictions', 'p.ground-truth'],
    missingTopics: async () => {
      const next = listings[Math.min(listed++, listings.length - 1)] ?? []
      if (next instanceof Error) throw next
      return next
    },
    backoff: RESTART_BACKOFF,
    random: () => 0.5,
    pause: async (ms) => void waits.push(ms),
    stopping: () => false,
    logger: pino({ level: 'debug' }, new Writable({ write: (chunk, _e, done) => void (lines.push(JSON.parse(String(chunk))), done()) })),
    ...more,
  })
  return { gate: g, waits, lines, listed: () => listed }
}

describe('restartGate', () => {
  it('backs off more at each restart, up to 30 s, and starts over once the consumer joined its group', async () => {
    const { gate: g, waits } = gate()
    for (let i = 0; i < 8; i++) expect(await g.beforeRestart()).toBe(true)
    // Full jitter at 0.5: half of 1 s, 2 s, 4 s, ... capped at 30 s.
    expect(waits).toEqual([500, 1000, 2000, 4000, 8000, 15_000, 15_000, 15_000])
    g.joined()
    await g.beforeRestart()
    expect(waits.at(-1)).toBe(500)
  })

  it('waits while a subscribed topic does not exist, logs it once, and restarts once it exists again', async () => {
    const missing = ['p.predictions']
    const { gate: g, waits, lines, listed } = gate([missing, missing, missing, []])
    expect(await g.beforeRestart()).toBe(true)
    expect(listed()).toBe(4)
    // One backoff before the first look, one after each look that found the topic missing.
    expect(waits).toEqual([500, 1000, 2000, 4000])
    const errors = lines.filter((l) => l.level === 50)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({ code: 'DW_TOPIC_MISMATCH', missingTopics: ['p.predictions'] })
    expect(errors[0]!.msg).toMatch(/^topic p\.predictions does not exist \(deleted while driftwatch runs\?\), so nothing is consumed\. Create it again with as many partitions as p\.ground-truth has, then restart driftwatch/)
    expect(lines.filter((l) => l.level === 40).map((l) => l.msg)).toEqual(['the consumed topics exist again; restarting the consumer'])
  })

  it('logs again when other topics go missing', async () => {
    const { gate: g, lines } = gate([['p.predictions'], ['p.predictions', 'p.ground-truth'], []])
    await g.beforeRestart()
    expect(lines.filter((l) => l.level === 50).map((l) => l.missingTopics)).toEqual([['p.predictions'], ['p.predictions', 'p.ground-truth']])
  })

  it('does not restart a consumer that is stopping, and stops looking for the topic', async () => {
    let stopping = false
    const { gate: g, listed } = gate([['p.predictions']], {
      pause: async () => {
        if (listed() === 2) stopping = true
      },
      stopping: () => stopping,
    })
    expect(await g.beforeRestart()).toBe(false)
    expect(listed()).toBe(2)
  })

  it('restarts when the topics cannot be listed: the restarted consumer finds out again', async () => {
    const { gate: g, lines } = gate([new Error('connect ECONNREFUSED')])
    expect(await g.beforeRestart()).toBe(true)
    expect(lines.filter((l) => l.level >= 40)).toEqual([])
  })
})

describe('startKafkaSource: restarts after a crash', () => {
  function fakeKafka() {
    const events = new EventEmitter()
    const seen: { options?: { retry?: { retries?: number; restartOnFailure?: (e: Error) => Promise<boolean> } } } = {}
    const consumer = {
      events: { GROUP_JOIN: 'consumer.group_join', CRASH: 'consumer.crash' },
      on: (event: string, listener: (e: unknown) => void) => events.on(event, listener),
      connect: async () => {},
      subscribe: async () => {},
      run: async () => {},
      disconnect: async () => {},
    }
    let listings = 0
    const admin = { connect: async () => {}, disconnect: async () => {}, listTopics: async () => (listings++, ['t']) }
    const kafka = { consumer: (options: typeof seen.options) => ((seen.options = options), consumer), admin: () => admin } as unknown as Kafka
    return { kafka, events, seen, listings: () => listings }
  }

  it("asks the gate before kafkajs restarts the consumer, keeping kafkajs' 5 retries", async () => {
    const { kafka, seen, listings } = fakeKafka()
    await startKafkaSource({ kafka, groupId: 'g', handlers: { t: async () => {} }, logger: createLogger('silent'), restartBackoff: { baseMs: 1, capMs: 1 } })
    expect(seen.options?.retry?.retries).toBe(5)
    expect(await seen.options!.retry!.restartOnFailure!(new Error('This server does not host this topic-partition'))).toBe(true)
    expect(listings()).toBe(1)
  })

  it('does not restart the consumer after stop(), and stop() does not wait for the backoff', async () => {
    const { kafka, seen } = fakeKafka()
    const source = await startKafkaSource({ kafka, groupId: 'g', handlers: { t: async () => {} }, logger: createLogger('silent'), restartBackoff: { baseMs: 3_600_000, capMs: 3_600_000 }, random: () => 1 })
    const restart = seen.options!.retry!.restartOnFailure!(new Error('broker away'))
    await source.stop()
    expect(await restart).toBe(false)
  })
})
