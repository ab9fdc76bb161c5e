/**
 * Instances started together on fresh topics register the schemas side by side: each finds no
 * compatibility level on the new subjects and sets one, and each registers the same schema.
 * Apicurio creates a subject's COMPATIBILITY rule on the first PUT /config/{subject} and refuses
 * the others (409, "A rule named 'COMPATIBILITY' already exists"), so a start that lost the race
 * crashed although the level it wanted was set. Every start must succeed, with the same ids.
 * A subject that refuses driftwatch's schema for good fails the start at once, not as an outage.
 */
import { afterAll, describe, expect, inject, it } from 'vitest'
import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry'
import { schemaRegistryClient } from '../src/registry/client.js'
import { registerSchemas, type TopicNames } from '../src/pipeline/publisher.js'
import { rawSchema } from '../src/ingest/schemas.js'
import { uniqueName } from './support/config.js'

const registryUrl = inject('infra').registryUrl
/** Instances started at once, and how many times: the race is lost often but not every time. */
const INSTANCES = 4
const ROUNDS = 6

const subjects: string[] = []
const topicsFor = (prefix: string): TopicNames => {
  const topics = { predictions: `${prefix}.predictions`, groundTruth: `${prefix}.ground-truth` }
  subjects.push(`${topics.predictions}-value`, `${topics.groundTruth}-value`)
  return topics
}

async function registryJson(path: string, init?: RequestInit): Promise<{ status: number; body: any }> {
  const res = await fetch(`${registryUrl}${path}`, { ...init, headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' } })
  return { status: res.status, body: await res.json().catch(() => null) }
}

afterAll(async () => {
  for (const subject of subjects) {
    const s = encodeURIComponent(subject)
    await registryJson(`/subjects/${s}`, { method: 'DELETE' })
    await registryJson(`/subjects/${s}?permanent=true`, { method: 'DELETE' })
  }
})

describe('schema registration by instances started together', () => {
  it(`succeeds for all ${INSTANCES} instances on fresh subjects, ${ROUNDS} rounds, with the same schema ids`, async () => {
    const failures: string[] = []
    for (let round = 0; round < ROUNDS; round++) {
      const topics = topicsFor(uniqueName(`concurrent${round}`))
      // One client per instance, as separate processes would have: nothing cached is shared.
      const starts = await Promise.allSettled(Array.from({ length: INSTANCES }, () => registerSchemas(schemaRegistryClient(registryUrl), topics)))
      const ids = new Set<string>()
      for (const start of starts) {
        if (start.status === 'rejected') failures.push(`round ${round}: ${(start.reason as { code?: string }).code}: ${(start.reason as Error).message}`)
        else ids.add(JSON.stringify(start.value))
      }
      if (ids.size === 0) continue
      expect(ids.size, `round ${round}: every instance got the same ids`).toBe(1)
      const got = JSON.parse([...ids][0]!) as Record<string, number>
      for (const [kind, topic] of [['prediction', topics.predictions], ['ground-truth', topics.groundTruth]] as const) {
        const subject = encodeURIComponent(`${topic}-value`)
        const lookup = await registryJson(`/subjects/${subject}`, { method: 'POST', body: JSON.stringify({ schema: JSON.stringify(rawSchema(kind)) }) })
        expect(lookup.body?.id, `round ${round}: ${kind}'s id is the registry's`).toBe(got[kind])
        expect((await registryJson(`/subjects/${subject}/versions`)).body, `round ${round}: ${kind} registered once`).toEqual([1])
        expect((await registryJson(`/config/${subject}`)).body?.compatibilityLevel).toBe('FORWARD_TRANSITIVE')
      }
    }
    expect(failures).toEqual([])
  })

  it('fails every instance at once, as a refusal and not an outage, on a subject that holds a version driftwatch\'s schema cannot follow', async () => {
    const topics = topicsFor(uniqueName('refused'))
    // A producer's version with a required field driftwatch's schema lacks: under
    // FORWARD_TRANSITIVE, its readers could not read driftwatch's version.
    const schema = rawSchema('prediction') as { fields: object[] }
    const producerVersion = { ...schema, fields: [...schema.fields, { name: 'tenant', type: 'string' }] }
    const subject = `${topics.predictions}-value`
    await registryJson(`/config/${encodeURIComponent(subject)}`, { method: 'PUT', body: JSON.stringify({ compatibility: 'FORWARD_TRANSITIVE' }) })
    await new SchemaRegistry({ host: registryUrl }).register({ type: SchemaType.AVRO, schema: JSON.stringify(producerVersion) }, { subject, compatibility: COMPATIBILITY.FORWARD_TRANSITIVE })

    const starts = await Promise.allSettled(Array.from({ length: 2 }, () => registerSchemas(schemaRegistryClient(registryUrl), topics)))
    for (const start of starts) {
      expect(start).toMatchObject({ status: 'rejected', reason: { code: 'DW_SCHEMA_REFUSED', retriable: false } })
      const message = (start as PromiseRejectedResult).reason.message as string
      expect(message).toContain(subject)
      expect(message).toMatch(/Incompatible/)
      expect(message).toContain('docs/events.md')
    }
  })
})
