/**
 * Start-up contracts on real Kafka and Apicurio: topics whose partition counts differ are refused
 * (a prediction and its label must meet in one consumer), and the schemas are registered with
 * BACKWARD compatibility, so an incompatible change is refused by the registry.
 */
import { describe, expect, it } from 'vitest'
import { Kafka, logLevel } from 'kafkajs'
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry'
import { startApp } from '../src/app.js'
import { rawSchema } from '../src/ingest/schemas.js'
import { createLogger } from '../src/observability/logger.js'
import { testConfig } from './support/config.js'

describe('topics and schemas at start', () => {
  it('refuses to start when predictions and ground-truth have different partition counts', async () => {
    const config = testConfig({ partitions: 3 })
    const admin = new Kafka({ brokers: [...config.kafka!.brokers], logLevel: logLevel.NOTHING }).admin()
    await admin.connect()
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic: config.topics.predictions, numPartitions: 3 },
        { topic: config.topics.groundTruth, numPartitions: 2 },
      ],
    })
    await admin.disconnect()
    await expect(startApp(config, createLogger('silent'), { evaluate: false })).rejects.toMatchObject({
      code: 'DW_TOPIC_MISMATCH',
      message: expect.stringMatching(/3 partitions.*2 partitions/),
    })
  })

  it('registers the schemas with BACKWARD compatibility, so an incompatible change is refused', async () => {
    const config = testConfig()
    const app = await startApp(config, createLogger('silent'), { evaluate: false, consume: false })
    await app.stop()
    const subject = `${config.topics.predictions}-value`
    const res = await fetch(`${config.registryUrl}/config/${encodeURIComponent(subject)}`)
    expect(await res.json()).toEqual({ compatibilityLevel: 'BACKWARD' })

    const schema = rawSchema('prediction') as { fields: object[] }
    const incompatible = { ...schema, fields: [...schema.fields, { name: 'required_new_field', type: 'string' }] }
    const registry = new SchemaRegistry({ host: config.registryUrl! })
    await expect(registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(incompatible) }, { subject })).rejects.toThrow()
    const compatible = { ...schema, fields: [...schema.fields, { name: 'optional_new_field', type: ['null', 'string'], default: null }] }
    await expect(registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(compatible) }, { subject })).resolves.toHaveProperty('id')
  })
})
