/**
 * A registry that refuses this client's credentials (HTTP 401: none or not valid; 403: not
 * allowed), answered by a real HTTP server. The same credentials go with every request, so no
 * retry cures that: a start stops at once with DW_CONFIG_INVALID and one actionable line that
 * names the registry without the secrets of its URL, as Kafka's refused SASL credentials do. A
 * running consumer's lookup of a writer schema is retried instead, under that same line, so that
 * no record becomes a dead letter for the deployment's credentials.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { HttpReceiver, type Handler } from '../../test/support/http-receiver.js'
import { registerSchemas } from '../pipeline/publisher.js'
import { schemaRegistryClient } from './client.js'
import { registryQuestions, registryResolver } from './resolvers.js'

const topics = { predictions: 'auth.predictions', groundTruth: 'auth.ground-truth' }
/** What Confluent's registry answers to a request without valid credentials. */
const unauthorized = { status: 401, body: { error_code: 40101, message: 'Unauthorized' } }

describe('a registry that refuses the credentials', () => {
  let registry: HttpReceiver | null = null
  const serve = async (handler: Handler) => {
    registry = new HttpReceiver(handler)
    await registry.up()
    return registry
  }
  afterEach(async () => {
    await registry?.down()
    registry = null
  })

  it('fails a start at its first request with DW_CONFIG_INVALID, not retried, naming the registry without the password', async () => {
    const server = await serve(() => unauthorized)
    const url = `${server.url.replace('http://', 'http://alice:s3cret-pw@')}/apis/ccompat/v7`
    const failure = await registerSchemas(schemaRegistryClient(url), topics).then(() => null, (e: unknown) => e)
    expect(failure).toMatchObject({ code: 'DW_CONFIG_INVALID', retriable: false })
    const message = (failure as Error).message
    expect(message).toBe(
      `the schema registry at ${server.url}/apis/ccompat/v7 refused this client's credentials (HTTP 401 on GET /config/auth.predictions-value): ` +
        'check the user and password in SCHEMA_REGISTRY_URL (https://user:password@host/...)',
    )
    expect(message).not.toMatch(/alice|s3cret/)
    // The credentials went (Basic auth from the URL), and were refused once: no retry.
    expect(server.requests.map((r) => [r.method, r.path, r.headers.authorization])).toEqual([
      ['GET', '/apis/ccompat/v7/config/auth.predictions-value', `Basic ${Buffer.from('alice:s3cret-pw').toString('base64')}`],
    ])
  })

  it('says the registry wants credentials when the URL has none', async () => {
    const server = await serve(() => unauthorized)
    await expect(registerSchemas(schemaRegistryClient(server.url), topics)).rejects.toMatchObject({
      code: 'DW_CONFIG_INVALID',
      retriable: false,
      message: expect.stringMatching(/refused this client's credentials \(HTTP 401 on GET \/config\/auth\.predictions-value\): the registry wants credentials: put a user and password in SCHEMA_REGISTRY_URL/),
    })
    expect(server.requests).toHaveLength(1)
  })

  it('fails a start with DW_CONFIG_INVALID when the registry refuses only the registration (403: the user may read, not write)', async () => {
    const server = await serve(({ method, path }) =>
      method === 'GET' && path.startsWith('/config/')
        ? { status: 200, body: { compatibilityLevel: 'FORWARD_TRANSITIVE' } }
        : { status: 403, body: { error_code: 40301, message: 'User is denied operation Write on Subject: auth.predictions-value' } },
    )
    const failure = await registerSchemas(schemaRegistryClient(server.url.replace('http://', 'http://reader:pw@')), topics).then(() => null, (e: unknown) => e)
    expect(failure).toMatchObject({ code: 'DW_CONFIG_INVALID', retriable: false })
    expect((failure as Error).message).toMatch(
      new RegExp(`^the schema registry at ${server.url}/ refused this client's request \\(HTTP 403 on POST /subjects/auth\\.predictions-value/versions\\): give the registry user of SCHEMA_REGISTRY_URL the right to read and write driftwatch's subjects, or set another user there$`),
    )
    // The level (ensureSubjectCompatibility, then the client's own check in `register`), then one registration: no retry.
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /config/auth.predictions-value', 'GET /config/auth.predictions-value', 'POST /subjects/auth.predictions-value/versions'])
  })

  it("retries a running consumer's schema lookup under the same line, as DW_REGISTRY_UNAVAILABLE: no record is dead-lettered for it", async () => {
    const server = await serve(() => unauthorized)
    const url = server.url.replace('http://', 'http://alice:s3cret-pw@')
    const resolve = registryResolver(schemaRegistryClient(url), { ...registryQuestions(url), notFound: async () => true })
    const failure = await resolve(7).then(() => null, (e: unknown) => e)
    expect(failure).toMatchObject({ code: 'DW_REGISTRY_UNAVAILABLE', retriable: true })
    expect((failure as Error).message).toBe(
      `registry lookup of schema 7 failed: the schema registry at ${server.url}/ refused this client's credentials (HTTP 401 on GET /schemas/ids/7): ` +
        'check the user and password in SCHEMA_REGISTRY_URL (https://user:password@host/...)',
    )
  })
})
