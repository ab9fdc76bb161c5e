/**
 * The schema registry client, with a bound on how long a request may go unanswered. Used by the
 * service (src/app.ts) and the producer client (src/client/prediction-logger.ts).
 */
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry'
import { guardedTypes } from '../ingest/schemas.js'
import { describeError } from '../errors.js'

/**
 * How long a registry request may go without an answer. The client's HTTP layer (mappersmith)
 * sets no timeout, so a registry that accepted the connection and never answered held startApp
 * (registering the schemas) and the decode of every new schema id forever. mappersmith reports a
 * timed-out request as a client-side failure, status 400, which registerSchemas
 * (src/pipeline/publisher.ts) and classifyRegistryFailure (src/registry/resolvers.ts) turn into a
 * retriable DW_REGISTRY_UNAVAILABLE; the client's retry middleware retries only 5xx, and
 * registerSchemas starts no new try once half of this has passed, so a silent registry holds a
 * start about this long. It bounds silence on the socket (http's setTimeout), not the length of an
 * answer that keeps arriving.
 */
export const REGISTRY_REQUEST_TIMEOUT_MS = 10_000

type RegistryMiddleware = NonNullable<ConstructorParameters<typeof SchemaRegistry>[0]['middlewares']>[number]

/**
 * mappersmith's TimeoutMiddleware (mappersmith/middleware/timeout), written out: imported from
 * this ES module it is mappersmith's ESM build, whose Request type is not the one of the CommonJS
 * build the registry client runs on, and mappersmith is not a dependency of ours.
 */
const requestTimeout = (timeoutMs: number): RegistryMiddleware => () => ({
  async prepareRequest(next) {
    const request = await next()
    return request.timeout() ? request : request.enhance({ timeout: timeoutMs })
  },
})

/**
 * The registry client of Kafka mode. The writer schemas it parses read as driftwatch's own do
 * (src/ingest/schemas.ts guardedTypes): a field the reader skips cannot hold the event loop with a
 * block count larger than the record.
 */
export function schemaRegistryClient(registryUrl: string): SchemaRegistry {
  return new SchemaRegistry({ host: registryUrl, middlewares: [requestTimeout(REGISTRY_REQUEST_TIMEOUT_MS)] }, { [SchemaType.AVRO]: { typeHook: guardedTypes } })
}

/**
 * What the registry client threw, as text. The client writes an answer's body into its message as
 * is, and a JSON body without a `message` (a 404 from a path that is not the Confluent API)
 * comes out as "[object Object]": that part is left out.
 */
export function registryErrorText(e: unknown): string {
  return describeError(e).replaceAll(': [object Object]', '')
}

/**
 * The HTTP status of what the registry client threw: its ResponseError carries it (400 for a request
 * that got no answer, see REGISTRY_REQUEST_TIMEOUT_MS). null for anything else: an error the client
 * raised itself, or a bug.
 */
export function registryStatusOf(e: unknown): number | null {
  try {
    const status = (e as { status?: unknown } | null)?.status
    return typeof status === 'number' ? status : null
  } catch {
    return null
  }
}

/**
 * A registry URL ready for fetch, which refuses credentials in the URL (https://user:pass@host):
 * they become a Basic authorization header and leave the URL. `path` is appended to the base.
 */
export function registryRequest(registryUrl: string, path: string, accept: string): { url: URL; headers: Record<string, string> } {
  const url = new URL(`${registryUrl.replace(/\/+$/, '')}${path}`)
  const headers: Record<string, string> = { accept }
  if (url.username || url.password) {
    headers['authorization'] = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`
    url.username = ''
    url.password = ''
  }
  return { url, headers }
}
