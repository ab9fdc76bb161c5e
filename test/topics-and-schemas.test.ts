/**
 * Start-up contracts on real Kafka and Apicurio: topics whose partition counts differ are refused
 * (a prediction and its label must meet in one consumer), and the schemas are registered with
 * FORWARD_TRANSITIVE compatibility, so a producer's version driftwatch's schema cannot read is
 * refused by the registry, also on subjects that held versions under another rule.
 */
import { describe, expect, it } from 'vitest'
import { Kafka, logLevel } from 'kafkajs'
import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry'
import { startApp } from '../src/app.js'
import { rawSchema } from '../src/ingest/schemas.js'
import { createLogger } from '../src/observability/logger.js'
import type { RuntimeConfig } from '../src/config/env.js'
import { dropTestResources, testConfig } from './support/config.js'

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

  it('registers the schemas with FORWARD_TRANSITIVE compatibility, so a producer version driftwatch could not read is refused', async () => {
    const config = testConfig()
    const app = await startApp(config, createLogger('silent'), { evaluate: false, consume: false })
    await app.stop()
    for (const topic of [config.topics.predictions, config.topics.groundTruth]) expect(await levelOf(config, `${topic}-value`)).toBe('FORWARD_TRANSITIVE')

    const subject = `${config.topics.predictions}-value`
    const registry = new SchemaRegistry({ host: config.registryUrl! })
    const register = (change: (s: PredictionSchema) => void) => {
      const schema = rawSchema('prediction') as PredictionSchema
      change(schema)
      return registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(schema) }, { subject, compatibility: COMPATIBILITY.FORWARD_TRANSITIVE })
    }
    const refused: [string, (s: PredictionSchema) => void][] = [
      // BACKWARD accepted each of these; driftwatch then dead-lettered every record, or stored a
      // `blue` record as `champion`.
      ['a variant added', (s) => void fieldOf(s, 'deployment').type.fields[1].type.symbols.push('blue')],
      ['segments values nullable', (s) => void (fieldOf(s, 'segments').type.values = ['null', 'string'])],
      ['model_version removed', (s) => void (s.fields = s.fields.filter((f) => f.name !== 'model_version'))],
      ['prediction nullable', (s) => Object.assign(fieldOf(s, 'prediction'), { type: ['null', fieldOf(s, 'prediction').type], default: null })],
    ]
    for (const [what, change] of refused) await expect(register(change), what).rejects.toThrow(/Incompatible/)
    const accepted: [string, (s: PredictionSchema) => void][] = [
      ['another namespace', (s) => void (s.namespace = 'com.acme.ml')],
      ['an optional field', (s) => void s.fields.push({ name: 'optional_new_field', type: ['null', 'string'], default: null })],
      ['a required field', (s) => void s.fields.push({ name: 'required_new_field', type: 'string' })],
    ]
    for (const [what, change] of accepted) await expect(register(change), what).resolves.toHaveProperty('id')
  })

  it('starts on subjects that already hold versions registered under BACKWARD, and moves them to FORWARD_TRANSITIVE', async () => {
    const config = testConfig()
    const registry = new SchemaRegistry({ host: config.registryUrl! })
    // A deployment whose subjects were set to BACKWARD, holding the schemas with the variant
    // enum's default, and a version a producer added since.
    const earlier = rawSchema('prediction') as PredictionSchema
    fieldOf(earlier, 'deployment').type.fields[1].type.default = 'champion'
    const producerVersion = { ...earlier, fields: [...earlier.fields, { name: 'request_source', type: ['null', 'string'], default: null }] }
    const subject = `${config.topics.predictions}-value`
    const backward = (schema: object, s = subject) => registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(schema) }, { subject: s, compatibility: COMPATIBILITY.BACKWARD })
    await backward(earlier)
    await backward(producerVersion)
    await backward(rawSchema('ground-truth'), `${config.topics.groundTruth}-value`)
    expect(await levelOf(config, subject)).toBe('BACKWARD')

    try {
      for (let start = 0; start < 2; start++) {
        const app = await startApp(config, createLogger('silent'), { evaluate: false, consume: false })
        await app.stop()
      }
      for (const topic of [config.topics.predictions, config.topics.groundTruth]) expect(await levelOf(config, `${topic}-value`)).toBe('FORWARD_TRANSITIVE')
      // driftwatch's schema is the subject's newest version, once however often it starts.
      const latest = (await (await fetch(`${config.registryUrl}/subjects/${encodeURIComponent(subject)}/versions/latest`)).json()) as { schema: string }
      expect(JSON.parse(latest.schema)).toEqual(rawSchema('prediction'))
      const versions = (await (await fetch(`${config.registryUrl}/subjects/${encodeURIComponent(subject)}/versions`)).json()) as number[]
      expect(versions).toHaveLength(3)
    } finally {
      await dropTestResources(config)
    }
  })
})

type PredictionSchema = { namespace: string; fields: { name: string; type: any; default?: unknown }[] }
const fieldOf = (s: PredictionSchema, name: string) => s.fields.find((f) => f.name === name)!

async function levelOf(config: RuntimeConfig, subject: string): Promise<string> {
  const res = await fetch(`${config.registryUrl}/config/${encodeURIComponent(subject)}`)
  return ((await res.json()) as { compatibilityLevel: string }).compatibilityLevel
}
