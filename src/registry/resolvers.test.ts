import { createServer, type AddressInfo, type Socket } from 'node:net'
import { createServer as createHttpServer } from 'node:http'
import { describe, expect, it } from 'vitest'
import { REGISTRY_REQUEST_TIMEOUT_MS, schemaRegistryClient } from './client.js'
import { registerSchemas } from '../pipeline/publisher.js'
import { rawSchema } from '../ingest/schemas.js'
import { classifyRegistryFailure, registryQuestions, registryResolver, registrySaysNotFound, registrySchemaText } from './resolvers.js'

/** The shape @kafkajs/confluent-schema-registry rejects with (its ResponseError carries the status). */
const responseError = (status: number, message: string) => Object.assign(new Error(message), { name: 'ResponseError', status })

describe('classifyRegistryFailure', () => {
  it('retries what is the transport or the registry itself: no answer (400 from the HTTP layer), 5xx, 429, auth', () => {
    for (const status of [400, 401, 403, 408, 429, 500, 502, 503, 504]) {
      const e = classifyRegistryFailure(7, responseError(status, 'Confluent_Schema_Registry - Error, status 400: connect ECONNREFUSED 127.0.0.1:1'))
      expect([status, e.code, e.retriable]).toEqual([status, 'DW_REGISTRY_UNAVAILABLE', true])
    }
  })

  // The client's HTTP layer (mappersmith) sets no request timeout: a registry that accepted the
  // connection and never answered held startApp (registering the schemas) and the decode of a
  // new schema id forever.
  it('gives up on a registry that accepts connections and never answers, as a retriable DW_REGISTRY_UNAVAILABLE', { timeout: REGISTRY_REQUEST_TIMEOUT_MS + 10_000 }, async () => {
    const sockets = new Set<Socket>()
    const silent = createServer((socket) => void sockets.add(socket))
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    try {
      const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`
      const registry = schemaRegistryClient(url)
      const started = Date.now()
      const [lookup, register] = await Promise.allSettled([
        registryResolver(registry, { ...registryQuestions(url), notFound: async () => true })(7),
        registerSchemas(registry, { predictions: 'silent.predictions', groundTruth: 'silent.ground-truth' }),
      ])
      for (const outcome of [lookup, register]) {
        expect(outcome).toMatchObject({ status: 'rejected', reason: { code: 'DW_REGISTRY_UNAVAILABLE', retriable: true } })
      }
      expect(sockets.size, 'the requests reached the server').toBeGreaterThan(0)
      expect(Date.now() - started).toBeLessThan(REGISTRY_REQUEST_TIMEOUT_MS + 5_000)
    } finally {
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => silent.close(resolve))
    }
  })

  it('dead-letters an id the registry does not have', () => {
    const e = classifyRegistryFailure(7, responseError(404, "No content with ID '7' was found."))
    expect([e.code, e.retriable]).toEqual(['DW_DECODE_UNKNOWN_SCHEMA', false])
  })

  it('dead-letters an id only on the registry\'s own 404 (error code 40403); a 404 from anything else is retried', async () => {
    const answers: Record<string, [number, string, string]> = {
      registry: [404, 'application/vnd.schemaregistry.v1+json', JSON.stringify({ error_code: 40403, message: 'Schema 7 not found' })],
      proxy: [404, 'text/html', '<html><body>404 Not Found</body></html>'],
      gateway: [404, 'application/json', JSON.stringify({ message: 'no Route matched with those values' })],
    }
    let answer = answers['registry']!
    const seen: (string | undefined)[] = []
    const server = createHttpServer((req, res) => {
      seen.push(req.headers.authorization)
      res.writeHead(answer[0], { 'content-type': answer[1] })
      res.end(answer[2])
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      const resolve = registryResolver(schemaRegistryClient(url), registryQuestions(url))
      await expect(resolve(7)).rejects.toMatchObject({ code: 'DW_DECODE_UNKNOWN_SCHEMA', retriable: false })
      for (const name of ['proxy', 'gateway']) {
        answer = answers[name]!
        await expect(resolve(7), name).rejects.toMatchObject({ code: 'DW_REGISTRY_UNAVAILABLE', retriable: true, message: expect.stringMatching(/answered 404 without the registry's error code 40403/) })
      }
      // Credentials in the URL go as basic auth.
      answer = answers['registry']!
      expect(await registrySaysNotFound(url.replace('http://', 'http://u%40x:p%3Aw@'), 7)).toBe(true)
      expect(seen.at(-1)).toBe(`Basic ${Buffer.from('u@x:p:w').toString('base64')}`)
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
    // Nothing answering at all: not the registry's 404 either.
    expect(await registrySaysNotFound('http://127.0.0.1:1', 7)).toBe(false)
  })

  it('retries a 200 that holds no schema (an HTML page, `{}`, a body that is not JSON) as an outage; dead-letters only a schema string avsc refuses', async () => {
    const refused = JSON.stringify({ type: 'record', name: 'X', fields: [{ name: 'a', type: 'no_such_type' }] })
    const good = JSON.stringify({ type: 'record', name: 'X', fields: [{ name: 'a', type: 'string' }] })
    const answers: Record<string, [string, string]> = {
      html: ['text/html', '<html><body>Down for maintenance</body></html>'],
      empty: ['application/json', '{}'],
      'not JSON': ['application/json', '<html>oops</html>'],
      'schema not a string': ['application/vnd.schemaregistry.v1+json', JSON.stringify({ schema: 5 })],
      'null body': ['application/json', 'null'],
      refused: ['application/vnd.schemaregistry.v1+json', JSON.stringify({ schema: refused })],
      good: ['application/vnd.schemaregistry.v1+json', JSON.stringify({ schema: good })],
    }
    const queue: string[] = []
    const server = createHttpServer((_req, res) => {
      const [type, body] = answers[queue.shift() ?? 'html']!
      res.writeHead(200, { 'content-type': type })
      res.end(body)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      const resolve = registryResolver(schemaRegistryClient(url), { ...registryQuestions(url), notFound: async () => true })
      for (const name of ['html', 'empty', 'not JSON', 'schema not a string', 'null body']) {
        queue.push(name, name)
        await expect(resolve(7), name).rejects.toMatchObject({ code: 'DW_REGISTRY_UNAVAILABLE', retriable: true, message: expect.stringMatching(/^registry lookup of schema 7 answered without a schema/) })
        expect(queue, name).toEqual([])
      }
      // A schema string avsc refuses, on the lookup and on the second parse.
      queue.push('refused', 'refused', 'refused')
      await expect(resolve(8)).rejects.toMatchObject({ code: 'DW_DECODE_UNSUPPORTED_SCHEMA', retriable: false, message: expect.stringMatching(/schema 8 cannot be parsed as Avro: .*no_such_type/) })
      expect(queue).toEqual([])
      // A proxy's page, then the registry again: its schema is read, not dead-lettered (the last
      // answer is the one whose time fields are checked).
      queue.push('html', 'good', 'good', 'good')
      expect(((await resolve(9)) as { name?: string }).name).toBe('X')
      expect(queue).toEqual([])
      expect(await registrySchemaText(url, 10)).toBeNull()
      queue.push('good')
      expect(await registrySchemaText(url, 10)).toBe(good)
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
    // Nothing answering the second question: no schema either.
    expect(await registrySchemaText('http://127.0.0.1:1', 7)).toBeNull()
  })

  it('refuses a writer schema whose event_time is timestamp-micros, naming the field and the unit, not each record as out of range', async () => {
    const micros = structuredClone(rawSchema('prediction')) as { fields: { name: string; type: unknown }[] }
    micros.fields.find((f) => f.name === 'event_time')!.type = { type: 'long', logicalType: 'timestamp-micros' }
    const server = createHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/vnd.schemaregistry.v1+json' })
      res.end(JSON.stringify({ schema: JSON.stringify(micros) }))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      const resolve = registryResolver(schemaRegistryClient(url), { ...registryQuestions(url), notFound: async () => true })
      await expect(resolve(7)).rejects.toMatchObject({
        code: 'DW_DECODE_UNSUPPORTED_SCHEMA',
        retriable: false,
        message: expect.stringMatching(/^schema 7: event_time is written as timestamp-micros \(microseconds\); driftwatch reads timestamp-millis/),
        context: expect.objectContaining({ path: 'event_time' }),
      })
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })

  it('dead-letters a schema the client cannot parse (no status) or the registry refuses to serve (other 4xx)', () => {
    const parse = classifyRegistryFailure(7, Object.assign(new Error('incompatible field default "x"'), { name: 'ConfluentSchemaRegistryArgumentError' }))
    expect([parse.code, parse.retriable]).toEqual(['DW_DECODE_UNSUPPORTED_SCHEMA', false])
    expect(parse.message).toMatch(/schema 7 cannot be parsed as Avro: incompatible field default/)
    const refused = classifyRegistryFailure(7, responseError(422, 'unprocessable'))
    expect([refused.code, refused.retriable]).toEqual(['DW_DECODE_UNSUPPORTED_SCHEMA', false])
  })

  it('never throws while describing what it got', () => {
    const hostile = {
      get status(): number {
        throw new Error('no')
      },
    }
    expect(() => classifyRegistryFailure(1, Symbol('x'))).not.toThrow()
    expect(() => classifyRegistryFailure(1, null)).not.toThrow()
    expect(() => classifyRegistryFailure(1, { toString: () => { throw new Error('boom') } })).not.toThrow()
    expect(classifyRegistryFailure(1, hostile).code).toBe('DW_DECODE_UNSUPPORTED_SCHEMA')
  })
})
