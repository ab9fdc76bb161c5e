/**
 * A test file's driftwatch (startApp) beside a plain kafkajs producer on the same brokers, which
 * sends records as a producer outside driftwatch would: both started in beforeAll, stopped in
 * afterAll, where the test's database and topics are dropped too.
 */
import { Kafka, logLevel, type Producer } from 'kafkajs'
import { afterAll, beforeAll } from 'vitest'
import type { App } from '../../src/app.js'
import type { RuntimeConfig } from '../../src/config/env.js'
import { dropTestResources } from './config.js'

export interface AppAndProducer {
  /** The started app (after beforeAll). */
  app(): App
  /** The connected producer (after beforeAll). */
  producer(): Producer
}

export function appAndProducer(config: RuntimeConfig, start: () => Promise<App>): AppAndProducer {
  let app: App | undefined
  let producer: Producer | undefined
  beforeAll(async () => {
    app = await start()
    producer = new Kafka({ brokers: [...config.kafka!.brokers], logLevel: logLevel.NOTHING }).producer()
    await producer.connect()
  })
  afterAll(async () => {
    await producer?.disconnect()
    await app?.stop()
    await dropTestResources(config)
  })
  return { app: () => app!, producer: () => producer! }
}
