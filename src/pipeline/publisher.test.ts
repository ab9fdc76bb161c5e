import { CompressionTypes } from 'kafkajs'
import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry'
import { describe, expect, it } from 'vitest'
import { COMPRESS_ABOVE_BYTES, compressionFor, registerSchemas } from './publisher.js'

describe('compressionFor', () => {
  const message = (keyBytes: number, valueBytes: number) => ({ key: Buffer.alloc(keyBytes, 'k'), value: Buffer.alloc(valueBytes, 'v') })

  it('sends the usual small batch as it is', () => {
    expect(compressionFor([message(36, 400), message(36, 400)])).toBe(CompressionTypes.None)
  })

  it('compresses a send whose keys and values pass the bound, a record near ingest.maxRecordBytes among them', () => {
    expect(compressionFor([message(8, COMPRESS_ABOVE_BYTES - 8)])).toBe(CompressionTypes.None)
    expect(compressionFor([message(8, COMPRESS_ABOVE_BYTES - 7)])).toBe(CompressionTypes.GZIP)
    expect(compressionFor([message(8, 1024 * 1024 - 13)])).toBe(CompressionTypes.GZIP)
    expect(compressionFor(Array.from({ length: 2000 }, () => message(36, 400)))).toBe(CompressionTypes.GZIP)
  })

  it('counts a record without a key by its value', () => {
    expect(compressionFor([{ key: null, value: Buffer.alloc(COMPRESS_ABOVE_BYTES + 1) }])).toBe(CompressionTypes.GZIP)
  })
})

/** What @kafkajs/confluent-schema-registry rejects with for an answered request (its ResponseError carries the status). */
const answered = (status: number, message: string) => Object.assign(new Error(`Confluent_Schema_Registry - ${message}`), { name: 'ResponseError', status })
/** Its check in `register` that the subject's level is the one it is given. */
const levelMismatch = () => Object.assign(new Error('Compatibility does not match the configuration (FORWARD_TRANSITIVE != BACKWARD)'), { name: 'ConfluentSchemaRegistryCompatibilityError' })

/**
 * A registry client holding subjects' levels and schemas. Each endpoint answers through a hook that
 * may throw (an outage, a refusal) before the default answer: GET /config 404 without a level, PUT
 * /config sets it, POST /subjects/{s}/versions returns the id (41 for predictions, 42 for labels),
 * and the lookup POST /subjects/{s} finds what was registered.
 */
function fakeRegistry(hooks: { config?: (subject: string) => void; put?: (subject: string) => void; register?: (subject: string) => void; lookup?: (subject: string) => number | undefined } = {}) {
  const levels: Record<string, string> = {}
  const registered: Record<string, number> = {}
  const calls: string[] = []
  const api = {
    Subject: {
      async config({ subject }: { subject: string }) {
        calls.push(`GET config ${subject}`)
        hooks.config?.(subject)
        if (levels[subject] === undefined) throw answered(404, 'Subject not found')
        return { data: () => ({ compatibilityLevel: levels[subject] }) }
      },
      async updateConfig({ subject, body }: { subject: string; body: { compatibility: string } }) {
        calls.push(`PUT config ${subject}`)
        hooks.put?.(subject)
        levels[subject] = body.compatibility
      },
    },
  }
  const registry = {
    api,
    async register(_schema: unknown, { subject }: { subject: string }) {
      calls.push(`register ${subject}`)
      hooks.register?.(subject)
      return { id: (registered[subject] = subject.includes('predictions') ? 41 : 42) }
    },
    async getRegistryIdBySchema(subject: string) {
      calls.push(`lookup ${subject}`)
      const id = hooks.lookup ? hooks.lookup(subject) : registered[subject]
      if (id === undefined) throw answered(404, 'The given schema does not match any schema under the subject')
      return id
    },
  }
  return { registry: registry as unknown as SchemaRegistry, levels, calls }
}

const topics = { predictions: 'p.predictions', groundTruth: 'p.ground-truth' }

/** Options with a fake clock: each sleep is recorded and advances it; `cost` advances it per request. */
function clock() {
  let t = 0
  const sleeps: number[] = []
  return { sleeps, advance: (ms: number) => void (t += ms), options: { random: () => 1, now: () => t, sleep: async (ms: number) => void (sleeps.push(ms), (t += ms)) } }
}

describe('registerSchemas', () => {
  it('registers both schemas with the subjects at FORWARD_TRANSITIVE', async () => {
    const { registry, levels } = fakeRegistry()
    expect(await registerSchemas(registry, topics, clock().options)).toEqual({ prediction: 41, 'ground-truth': 42 })
    expect(levels).toEqual({ 'p.predictions-value': 'FORWARD_TRANSITIVE', 'p.ground-truth-value': 'FORWARD_TRANSITIVE' })
  })

  it('starts beside another start that set the level of the fresh subjects first (Apicurio refuses the second PUT with 409)', async () => {
    const c = clock()
    const { registry, levels } = fakeRegistry({
      put(subject) {
        levels[subject] = 'FORWARD_TRANSITIVE'
        throw answered(409, "A rule named 'COMPATIBILITY' already exists.")
      },
    })
    expect(await registerSchemas(registry, topics, c.options)).toEqual({ prediction: 41, 'ground-truth': 42 })
    expect(c.sleeps).toEqual([])
  })

  it('takes the id of the schema another start registered when its own registration is refused', async () => {
    const { registry, calls } = fakeRegistry({
      register(subject) {
        if (subject.includes('predictions')) throw answered(409, 'Incompatible artifact')
      },
      lookup: (subject) => (subject.includes('predictions') ? 41 : undefined),
    })
    expect(await registerSchemas(registry, topics, clock().options)).toEqual({ prediction: 41, 'ground-truth': 42 })
    expect(calls).toContain('lookup p.predictions-value')
  })

  it('retries an outage with backoff, and starts once the registry answers', async () => {
    const c = clock()
    let failures = 2
    const { registry } = fakeRegistry({
      register() {
        if (failures-- > 0) throw answered(503, 'Error, status 503')
      },
    })
    expect(await registerSchemas(registry, topics, c.options)).toEqual({ prediction: 41, 'ground-truth': 42 })
    expect(c.sleeps).toEqual([250, 500])
  })

  it('gives up on an outage after its tries, as a retriable DW_REGISTRY_UNAVAILABLE', async () => {
    const c = clock()
    const { registry, calls } = fakeRegistry({
      config() {
        throw answered(400, 'Error, status 400: connect ECONNREFUSED 127.0.0.1:1')
      },
    })
    const failure = registerSchemas(registry, topics, { ...c.options, attempts: 3 })
    await expect(failure).rejects.toMatchObject({ code: 'DW_REGISTRY_UNAVAILABLE', retriable: true, message: expect.stringMatching(/compatibility of p\.predictions-value to FORWARD_TRANSITIVE failed \(3 tries\).*ECONNREFUSED.*that the registry runs/) })
    expect(calls.filter((call) => call.startsWith('GET'))).toHaveLength(3)
  })

  it('starts no try after budgetMs: a registry that holds each request until it times out is waited for once', async () => {
    const c = clock()
    const { registry, calls } = fakeRegistry({
      config() {
        c.advance(10_000)
        throw answered(400, 'Error, status 400: Timeout (10000ms)')
      },
    })
    await expect(registerSchemas(registry, topics, { ...c.options, budgetMs: 5_000 })).rejects.toMatchObject({ code: 'DW_REGISTRY_UNAVAILABLE', retriable: true })
    expect(calls).toEqual(['GET config p.predictions-value'])
  })

  it('names the credentials when the registry refuses them', async () => {
    const { registry } = fakeRegistry({
      config() {
        throw answered(401, 'Unauthorized')
      },
    })
    await expect(registerSchemas(registry, topics, { ...clock().options, attempts: 1 })).rejects.toMatchObject({ code: 'DW_REGISTRY_UNAVAILABLE', message: expect.stringMatching(/check the credentials/) })
  })

  it('fails at once, not retriable, when the registry refuses the schema as incompatible with the subject\'s versions', async () => {
    const c = clock()
    const { registry, calls } = fakeRegistry({
      register() {
        throw answered(409, 'Incompatible artifact: p.predictions-value [AVRO]')
      },
    })
    await expect(registerSchemas(registry, topics, c.options)).rejects.toMatchObject({
      code: 'DW_SCHEMA_REFUSED',
      retriable: false,
      message: expect.stringMatching(/refuses driftwatch's prediction schema under p\.predictions-value: .*Incompatible artifact.*docs\/events\.md/),
    })
    expect(calls.filter((call) => call.startsWith('register'))).toHaveLength(1)
    expect(c.sleeps).toEqual([])
  })

  it('sets the level again when it changed before the registration, and starts', async () => {
    let changes = 1
    const { registry, levels } = fakeRegistry({
      register(subject) {
        if (changes-- > 0) {
          levels[subject] = 'BACKWARD'
          throw levelMismatch()
        }
      },
    })
    expect(await registerSchemas(registry, topics, clock().options)).toEqual({ prediction: 41, 'ground-truth': 42 })
    expect(levels['p.predictions-value']).toBe('FORWARD_TRANSITIVE')
  })

  it('fails, not retriable, when something else keeps setting another level', async () => {
    const { registry, levels } = fakeRegistry({
      put(subject) {
        levels[subject] = 'BACKWARD'
        throw answered(409, "A rule named 'COMPATIBILITY' already exists.")
      },
    })
    await expect(registerSchemas(registry, topics, clock().options)).rejects.toMatchObject({
      code: 'DW_SCHEMA_REFUSED',
      retriable: false,
      message: expect.stringMatching(/setting the compatibility of p\.predictions-value to FORWARD_TRANSITIVE failed \(5 tries\).*set it to FORWARD_TRANSITIVE/),
    })
  })

  it('fails at once on a request the registry cannot take (422)', async () => {
    const { registry, calls } = fakeRegistry({
      register() {
        throw answered(422, 'Invalid schema')
      },
    })
    await expect(registerSchemas(registry, topics, clock().options)).rejects.toMatchObject({ code: 'DW_SCHEMA_REFUSED', retriable: false, message: expect.stringMatching(/status 422.*Confluent-compatible API/) })
    expect(calls.filter((call) => call.startsWith('register'))).toHaveLength(1)
  })

  it('passes a bug on as it is', async () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'id')")
    const { registry } = fakeRegistry({
      register() {
        throw bug
      },
    })
    await expect(registerSchemas(registry, topics, clock().options)).rejects.toBe(bug)
  })
})
