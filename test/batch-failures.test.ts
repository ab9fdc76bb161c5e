/**
 * A bug in code that runs per batch rather than per record (the id screen, the join, the window
 * marks) must not stop a partition: the batch is tried in pieces, and only the records that still
 * fail alone are dead-lettered (src/pipeline/event-handler.ts, isolateFailure). Through startApp,
 * on real Kafka, Apicurio and chDB; the bug is injected by a Joiner that throws a TypeError for
 * chosen prediction ids, as a bug would. Each asserts records in = stored + dead-lettered, with
 * no duplicates, and that the consumer is still running.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Kafka, logLevel, type Producer } from 'kafkajs'
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry'
import { startApp, type App } from '../src/app.js'
import type { RuntimeConfig } from '../src/config/env.js'
import { Joiner, type PredictionKey } from '../src/join/joiner.js'
import type { DriftwatchError } from '../src/errors.js'
import { createLogger } from '../src/observability/logger.js'
import { dropTestResources, testConfig } from './support/config.js'
import { prediction } from './support/events.js'
import { count, queryRows } from './support/query.js'
import { waitFor } from './support/wait.js'
import { watchDone } from './support/app-done.js'

/** What the injected bug does. */
const fault = {
  /** The id screen throws when the batch holds an id with this prefix. */
  screenPrefix: 'screen-bug',
  /** What follows the store (marks, index) throws likewise: the rows are stored by then. */
  afterPrefix: 'after-bug',
  /** The id screen throws for a batch of more than this many predictions. */
  maxBatch: Infinity,
  /** The id screen throws for every batch: a failure no record escapes. */
  always: false,
  /**
   * While true, the id screen fails as a full disk fails the engine's file for a batch holding an
   * id with this prefix (a Node system error: ENOSPC from write), and counts the failures.
   */
  diskFull: false,
  diskFullPrefix: 'disk-full',
  diskFullFailures: 0,
}

class FaultyJoiner extends Joiner {
  override async screenPredictions(events: readonly PredictionKey[]): Promise<(DriftwatchError | null)[]> {
    if (fault.always || events.length > fault.maxBatch || events.some((e) => e.prediction_id.startsWith(fault.screenPrefix))) {
      throw new TypeError("Cannot read properties of undefined (reading 'model') (injected)")
    }
    if (fault.diskFull && events.some((e) => e.prediction_id.startsWith(fault.diskFullPrefix))) {
      fault.diskFullFailures++
      throw Object.assign(new Error('ENOSPC: no space left on device, write (injected)'), { code: 'ENOSPC', errno: -28, syscall: 'write' })
    }
    return super.screenPredictions(events)
  }

  override async onPredictions(events: readonly PredictionKey[], token: string): Promise<void> {
    if (events.some((e) => e.prediction_id.startsWith(fault.afterPrefix))) throw new TypeError('marks.add is not a function (injected)')
    return super.onPredictions(events, token)
  }
}

const kafkaOf = (config: RuntimeConfig) => new Kafka({ brokers: [...config.kafka!.brokers], logLevel: logLevel.NOTHING })

describe('a bug in per-batch code', () => {
  const config = testConfig({ partitions: 1 })
  let app: App | undefined
  let producer: Producer | undefined
  let encode: (id: string, model?: string) => Promise<Buffer>
  beforeAll(async () => {
    app = await startApp(config, createLogger(config.logLevel), { evaluate: false, joiner: (store, file) => new FaultyJoiner(store, file) })
    producer = kafkaOf(config).producer()
    await producer.connect()
    const registry = new SchemaRegistry({ host: config.registryUrl! })
    const schemaId = await registry.getLatestSchemaId(`${config.topics.predictions}-value`)
    const now = Date.now()
    encode = (id, model = 'loan-approval') => registry.encode(schemaId, prediction({ prediction_id: id, model_id: model, event_time: now - 60_000 }))
  })
  afterAll(async () => {
    Object.assign(fault, { maxBatch: Infinity, always: false })
    await producer?.disconnect()
    await app?.stop()
    await dropTestResources(config)
  })

  const send = async (ids: readonly string[], model?: string) => {
    const messages = await Promise.all(ids.map(async (id) => ({ key: id, value: await encode(id, model), partition: 0 })))
    // One request: the records reach the consumer as one batch, or as a few.
    await producer!.send({ topic: config.topics.predictions, acks: -1, messages })
  }
  const stored = () => count(app!.store, 'SELECT count() AS c FROM {db}.predictions FINAL')
  const rawRows = () => count(app!.store, 'SELECT count() AS c FROM {db}.predictions')
  const deadLettered = () => count(app!.store, 'SELECT count() AS c FROM {db}.dead_letters FINAL')
  const settled = async (total: number, done: { failed: () => unknown }) =>
    waitFor(async () => (await stored()) + (await deadLettered()), (n) => n >= total || done.failed() !== null, { what: `${total} records stored or dead-lettered`, timeoutMs: 90_000 })

  it('dead-letters only the records the batch fails on alone, stores the rest, and keeps consuming', { timeout: 180_000 }, async () => {
    const done = watchDone(app!)
    const ids = Array.from({ length: 300 }, (_, i) => (i === 50 ? 'screen-bug-1' : i === 200 ? 'screen-bug-2' : i === 120 ? 'after-bug-1' : `ok-${i}`))
    await send(ids)
    await settled(300, done)
    expect(done.failed()).toBeNull()

    const dead = await queryRows<{ key: string; code: string; message: string }>(
      app!.store,
      'SELECT base64Decode(raw_key_base64) AS key, error_code AS code, error_message AS message FROM {db}.dead_letters FINAL ORDER BY key',
    )
    expect(dead.map((d) => [d.key, d.code])).toEqual([
      ['screen-bug-1', 'DW_RECORD_UNPROCESSABLE'],
      ['screen-bug-2', 'DW_RECORD_UNPROCESSABLE'],
    ])
    expect(dead[0]!.message).toMatch(/Cannot read properties of undefined.*injected/)
    // The record whose row was stored before the step that failed stays stored, once.
    expect(await stored()).toBe(298)
    expect(await count(app!.store, "SELECT count() AS c FROM {db}.predictions FINAL WHERE prediction_id = 'after-bug-1'")).toBe(1)
    // No duplicates, even before any merge: every attempt after the first stored only what was missing.
    expect(await rawRows()).toBe(298)
    expect(await count(app!.store, 'SELECT uniqExact(source_offset) AS c FROM {db}.predictions')).toBe(298)
    // The pieces that passed were routed to their window.
    expect(await count(app!.store, "SELECT count() AS c FROM {db}.window_marks WHERE reason = 'predictions'")).toBeGreaterThan(0)

    // Alone in its batch, a record that fails is its own verdict; the records behind it go on.
    await send(['screen-bug-3'])
    await settled(301, done)
    await send(['ok-after'])
    await settled(302, done)
    expect(done.failed()).toBeNull()
    expect(await deadLettered()).toBe(3)
    expect(await stored()).toBe(299)

    // The row kept without its join step still holds its id: another model's prediction with it
    // is a conflict (the id filter is read again after a failed attempt; before, it missed the row).
    await send(['after-bug-1'], 'another-model')
    await settled(303, done)
    expect(await count(app!.store, "SELECT count() AS c FROM {db}.dead_letters FINAL WHERE error_code = 'DW_PREDICTION_ID_CONFLICT'")).toBe(1)
    expect(await stored()).toBe(299)
  })

  it('a full disk is the machine\'s failure, not the records\': the batch waits and is retried, nothing is dead-lettered', { timeout: 180_000 }, async () => {
    const done = watchDone(app!)
    const before = { stored: await stored(), dead: await deadLettered() }
    fault.diskFull = true
    try {
      await send(Array.from({ length: 100 }, (_, i) => (i === 30 ? 'disk-full-1' : `space-${i}`)))
      // Tried again with backoff while the disk stays full: more than once, and never isolated.
      await waitFor(async () => fault.diskFullFailures, (n) => n >= 3, { what: 'three failed attempts on the full disk', timeoutMs: 60_000 })
      // The disk stays full a while longer: pieces tried apart would have been dead-lettered by now.
      await new Promise((resolve) => setTimeout(resolve, 2_000))
      expect(await deadLettered()).toBe(before.dead)
      expect(await stored()).toBe(before.stored)
    } finally {
      fault.diskFull = false
    }
    await settled(before.stored + before.dead + 100, done)
    expect(done.failed()).toBeNull()
    expect(await stored()).toBe(before.stored + 100)
    expect(await deadLettered()).toBe(before.dead)
  })

  it('splits a batch too large for the code into pieces that pass, dead-lettering nothing', { timeout: 180_000 }, async () => {
    const done = watchDone(app!)
    const before = { stored: await stored(), dead: await deadLettered() }
    fault.maxBatch = 40
    try {
      await send(Array.from({ length: 200 }, (_, i) => `large-${i}`))
      await settled(before.stored + before.dead + 200, done)
    } finally {
      fault.maxBatch = Infinity
    }
    expect(done.failed()).toBeNull()
    expect(await stored()).toBe(before.stored + 200)
    expect(await rawRows()).toBe(before.stored + 200)
    expect(await deadLettered()).toBe(before.dead)
  })
})

describe('a failure every record of the batch shares', () => {
  const config = testConfig({ partitions: 1 })
  let app: App | undefined
  afterAll(async () => {
    fault.always = false
    await app?.stop().catch(() => undefined)
    await dropTestResources(config)
  })

  it('is not the records\' doing: nothing is dead-lettered, and the consumer stops as before', { timeout: 120_000 }, async () => {
    app = await startApp(config, createLogger(config.logLevel), { evaluate: false, joiner: (store, file) => new FaultyJoiner(store, file) })
    const done = watchDone(app)
    const producer = kafkaOf(config).producer()
    await producer.connect()
    try {
      const registry = new SchemaRegistry({ host: config.registryUrl! })
      const schemaId = await registry.getLatestSchemaId(`${config.topics.predictions}-value`)
      const now = Date.now()
      const messages = await Promise.all(['a', 'b', 'c', 'd'].map(async (id) => ({ key: id, value: await registry.encode(schemaId, prediction({ prediction_id: id, event_time: now - 60_000 })), partition: 0 })))
      fault.always = true
      await producer.send({ topic: config.topics.predictions, acks: -1, messages })
      await waitFor(async () => done.failed(), (f) => f !== null, { what: 'the consumer to stop', timeoutMs: 60_000 })
    } finally {
      await producer.disconnect()
    }
    expect(String(done.failed())).toMatch(/injected/)
    expect(await count(app.store, 'SELECT count() AS c FROM {db}.dead_letters')).toBe(0)
    expect(await count(app.store, 'SELECT count() AS c FROM {db}.predictions')).toBe(0)
  })
})
