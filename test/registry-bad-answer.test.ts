/**
 * Something in front of the schema registry (a proxy's maintenance page, a load balancer, a
 * registry starting up) answering 200 with a body that is not the registry's answer, on real
 * Kafka and the real registry behind a local proxy: the lookup of a new schema id is retried as
 * an outage (DW_REGISTRY_UNAVAILABLE, the partition waits and shows as stuck), not taken for a
 * schema avsc refuses. No record is dead-lettered, and every record of the id, those sent during
 * the bad answers and after them, is stored once the registry answers again.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import avro from 'avsc'
import { Kafka, logLevel, type Producer } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { startApp, type App } from '../src/app.js'
import { parseFileConfig } from '../src/config/file.js'
import { rawSchema } from '../src/ingest/schemas.js'
import { frame } from '../src/ingest/wire-format.js'
import { createLogger } from '../src/observability/logger.js'
import { dropTestResources, testConfig } from './support/config.js'
import { prediction } from './support/events.js'
import { count } from './support/query.js'
import { waitFor } from './support/wait.js'

type BadAnswer = { status: number; type: string; body: string }
const BAD_ANSWERS: Record<string, BadAnswer> = {
  'an HTML page': { status: 200, type: 'text/html', body: '<html><body>Down for maintenance</body></html>' },
  '`{}`': { status: 200, type: 'application/json', body: '{}' },
  'a body that is not JSON': { status: 200, type: 'application/json', body: 'upstream connect error' },
}

describe('a registry answer that is not the registry\'s: 200 with no schema', () => {
  const infra = inject('infra')
  const upstream = new URL(infra.registryUrl)
  /** What the proxy answers to a schema lookup by id instead of the registry; null: it forwards. */
  let bad: BadAnswer | null = null
  let lookups = 0
  const proxy: Server = createServer((req: IncomingMessage, res: ServerResponse) => void forward(req, res))
  async function forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (bad && req.url?.includes('/schemas/ids/')) {
      lookups++
      res.writeHead(bad.status, { 'content-type': bad.type })
      res.end(bad.body)
      return
    }
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const headers: Record<string, string> = { accept: req.headers.accept ?? '*/*' }
    if (req.headers['content-type']) headers['content-type'] = req.headers['content-type']
    const answer = await fetch(`${upstream.origin}${req.url}`, { method: req.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined })
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' })
    res.end(Buffer.from(await answer.arrayBuffer()))
  }

  let config: ReturnType<typeof testConfig>
  let app: App | undefined
  let producer: Producer | undefined
  beforeAll(async () => {
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
    const proxied = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}${upstream.pathname}`
    config = testConfig({ partitions: 1, env: { SCHEMA_REGISTRY_URL: proxied, DRIFTWATCH_STUCK_PARTITION_MS: '1000' } })
    app = await startApp(config, createLogger(config.logLevel), { file: parseFileConfig('models:\n  - id: loan-approval\n', 'test.yaml'), evaluate: false })
    producer = new Kafka({ brokers: [...config.kafka!.brokers], logLevel: logLevel.NOTHING }).producer()
    await producer.connect()
  })
  afterAll(async () => {
    bad = null
    await producer?.disconnect()
    await app?.stop()
    await dropTestResources(config)
    await new Promise((resolve) => proxy.close(resolve))
  })

  /** A version of driftwatch's prediction schema with one more field, registered on the real registry: a new id. */
  async function newVersion(extra: string): Promise<{ id: number; type: avro.Type }> {
    const schema = rawSchema('prediction') as { fields: unknown[] }
    schema.fields.push({ name: extra, type: ['null', 'string'], default: null })
    const res = await fetch(`${infra.registryUrl}/subjects/${encodeURIComponent(`${config.topics.predictions}-value`)}/versions`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ schema: JSON.stringify(schema) }),
    })
    const answer = (await res.json()) as { id?: number }
    expect(res.status, JSON.stringify(answer)).toBe(200)
    return { id: answer.id!, type: avro.Type.forSchema(schema as avro.Schema) }
  }

  it('retries the lookup as DW_REGISTRY_UNAVAILABLE, then stores every record of the id: none is dead-lettered', { timeout: 240_000 }, async () => {
    const now = Date.now() - 60_000
    const stored = (ids: string[]) => count(app!.store, `SELECT count() AS c FROM {db}.predictions FINAL WHERE prediction_id IN (${ids.map((i) => `'${i}'`).join(', ')})`)
    let sent = 0
    for (const [what, answer] of Object.entries(BAD_ANSWERS)) {
      const slug = what.replace(/\W+/g, '-')
      const { id, type } = await newVersion(`extra_${slug.replaceAll('-', '_')}`)
      const record = (pid: string) => ({ key: pid, value: frame(id, type.toBuffer({ ...prediction({ prediction_id: pid, event_time: now }), [`extra_${slug.replaceAll('-', '_')}`]: null })) })
      bad = answer
      lookups = 0
      const during = [0, 1, 2].map((i) => `${slug}-during-${i}`)
      await producer!.send({ topic: config.topics.predictions, acks: -1, messages: during.map(record) })
      const stuck = await waitFor(async () => app!.stuckPartitions(), (s) => s.length > 0 && lookups >= 2, { what: `the partition waiting behind ${what}`, timeoutMs: 60_000 })
      expect(stuck, what).toEqual([expect.objectContaining({ topic: config.topics.predictions, partition: 0, lastCode: 'DW_REGISTRY_UNAVAILABLE' })])
      expect(await stored(during), what).toBe(0)
      expect(await count(app!.store, 'SELECT count() AS c FROM {db}.dead_letters'), what).toBe(0)

      bad = null
      const after = [0, 1].map((i) => `${slug}-after-${i}`)
      await producer!.send({ topic: config.topics.predictions, acks: -1, messages: after.map(record) })
      sent += during.length + after.length
      await waitFor(() => stored([...during, ...after]), (c) => c === during.length + after.length, { what: `the records of schema ${id} after ${what}`, timeoutMs: 60_000 })
    }
    expect(await count(app!.store, 'SELECT count() AS c FROM {db}.predictions FINAL')).toBe(sent)
    expect(await count(app!.store, 'SELECT count() AS c FROM {db}.dead_letters')).toBe(0)
  })
})
